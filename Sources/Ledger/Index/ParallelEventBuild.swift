import Dispatch
import FoundationEssentials
import Git
import Synchronization

/// Builds the events of a line of history on several threads, then adds them to the index
/// file in the line's order, so the file is byte for byte the one a single thread writes.
/// Most of a cold build is libgit2 resolving delta chains for each commit's trees and item
/// blob, and a fifth is reading the commits themselves, one after another from the head back.
/// So ranges of the line are built while the walk goes on: the calling thread reads commits,
/// hands over each range of `rangeSize` as soon as it has read it, and once it reaches the
/// oldest commit adds the finished ranges, oldest first. Each thread opens its own repository
/// handle (libgit2 objects never cross threads) and takes the most recently handed-over range:
/// during the walk that is the newest work, after it the oldest range not yet built, which is
/// the one the calling thread adds next.
enum ParallelEventBuild {
    /// Commits per range: large enough that re-reading a range's first parent and trees
    /// (nothing carries over from the range before) costs nothing measurable.
    static let rangeSize = 1024

    private static var threadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Adds the commits after `stop` up to `head` and their events to `writer`, oldest first,
    /// when that stretch is one line (`Repository.walkLine`); returns how many, or nil (nothing
    /// added) when it is not. A line of fewer than two ranges, or a machine of one core, is
    /// built on the calling thread. Progress (`progressLabel`) counts commits added. Rethrows
    /// the first error of any range, after every thread has stopped.
    static func add(from head: ObjectID, back stop: ObjectID?, repository: Repository, to writer: inout EventIndexWriter,
                    progressLabel: String, rangeSize: Int = rangeSize, threads: Int = threadCount) throws -> Int? {
        let work = RangeWork()
        let group = DispatchGroup()
        let gitDirectory = repository.gitDirectory
        var ranges: [[Commit]] = []
        var pending: [Commit] = []
        var started = false
        // Every thread has stopped before this returns or throws: the caller's scope (libgit2's
        // hash checks off) must not end while a thread still reads.
        defer {
            work.stop(wakingThreads: threads)
            group.wait()
        }
        func handOver() {
            ranges.append(pending.reversed())
            pending = []
            work.publish(ranges[ranges.count - 1])
            if !started, threads > 1, ranges.count == 2 {
                started = true
                for _ in 0..<threads {
                    DispatchQueue.global().async(group: group) {
                        work.build(gitDirectory: gitDirectory)
                    }
                }
            }
        }
        let isLine = repository.walkLine(from: head, back: stop) { commit in
            pending.append(commit)
            if pending.count == rangeSize { handOver() }
        }
        guard isLine else { return nil }
        if !pending.isEmpty { handOver() }
        let count = ranges.reduce(0) { $0 + $1.count }
        let progress = ProgressReport(progressLabel, total: count)
        defer { progress.finish() }
        var done = 0
        progress.update(done)
        guard started else {
            var builder = EventBuilder(repository: repository)
            for commit in ranges.reversed().joined() {
                try builder.add(commit, to: &writer)
                done += 1
                progress.update(done)
            }
            return count
        }
        work.finishPublishing(wakingThreads: threads)
        for index in ranges.indices.reversed() {
            let events = try work.result(index)
            for (commit, commitEvents) in zip(ranges[index], events) {
                let number = writer.add(commit: commit.id, parents: commit.parentIDs)
                for event in commitEvents {
                    writer.append(event, commit: number)
                }
            }
            done += ranges[index].count
            progress.update(done)
        }
        return count
    }
}

/// The ranges of one parallel build, shared by the threads: those handed over and not yet
/// taken, each range's events (per commit) once built, and the first error.
private final class RangeWork: Sendable {
    private struct State {
        var ranges: [[Commit]] = []
        var finished: [DispatchSemaphore] = []
        var untaken: [Int] = []
        var events: [Int: [[LedgerEvent]]] = [:]
        var error: (any Error)?
        var publishingDone = false
        var stopped = false
    }

    private let state = Mutex(State())
    /// Signalled once per range handed over, and once per thread when no more will come.
    private let available = DispatchSemaphore(value: 0)

    /// Hands over `range` (oldest commit first) for a thread to build.
    func publish(_ range: [Commit]) {
        let gone = state.withLock { state -> DispatchSemaphore? in
            state.ranges.append(range)
            state.finished.append(DispatchSemaphore(value: 0))
            guard !state.stopped else { return state.finished.last }
            state.untaken.append(state.ranges.count - 1)
            return nil
        }
        // After a failure nothing more is built: the range is finished at once, without events.
        gone?.signal()
        available.signal()
    }

    /// No more ranges will be handed over: wakes every thread once more, so each stops when
    /// nothing is left to take.
    func finishPublishing(wakingThreads threads: Int) {
        state.withLock { $0.publishingDone = true }
        for _ in 0..<threads { available.signal() }
    }

    /// Builds ranges on this thread, through its own handle, until none is left to take.
    func build(gitDirectory: String) {
        let repository: Repository
        do {
            repository = try Repository.open(at: gitDirectory)
        } catch {
            fail(error)
            return
        }
        while true {
            available.wait()
            let claim = state.withLock { state -> (index: Int, range: [Commit])?? in
                if state.stopped { return .some(nil) }
                if let index = state.untaken.popLast() { return (index, state.ranges[index]) }
                return state.publishingDone ? .some(nil) : nil
            }
            // nil: woken before a range was there to take; nil inside: nothing more to take.
            guard let claim else { continue }
            guard let (index, range) = claim else { return }
            do {
                var builder = EventBuilder(repository: repository)
                let events = try range.map { try builder.events(of: $0, numberedFrom: 0) }
                let finished = state.withLock { state in
                    state.events[index] = events
                    return state.finished[index]
                }
                finished.signal()
            } catch {
                fail(error, at: index)
                return
            }
        }
    }

    /// Records the first error and stops the build: range `index` (if any) and every range not
    /// taken are finished without events, so whoever waits for them wakes and throws.
    private func fail(_ error: any Error, at index: Int? = nil) {
        let finished = state.withLock { state -> [DispatchSemaphore] in
            if state.error == nil { state.error = error }
            state.stopped = true
            let dropped = (index.map { [$0] } ?? []) + state.untaken
            state.untaken = []
            return dropped.map { state.finished[$0] }
        }
        finished.forEach { $0.signal() }
    }

    /// Waits for range `index` and takes its events, or throws the build's first error.
    /// Every range handed over is finished: built, failed, or dropped after a failure.
    func result(_ index: Int) throws -> [[LedgerEvent]] {
        let finished = state.withLock { $0.finished[index] }
        finished.wait()
        return try state.withLock { state in
            guard let events = state.events.removeValue(forKey: index) else {
                throw state.error ?? LedgerError(.storage, "the event index build stopped early", hint: "report this as a bug")
            }
            return events
        }
    }

    /// Stops the build (nothing more is taken) and wakes every thread so it sees that.
    func stop(wakingThreads threads: Int) {
        state.withLock { $0.stopped = true }
        for _ in 0..<threads { available.signal() }
    }
}
