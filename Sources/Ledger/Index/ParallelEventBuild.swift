import Dispatch
import FoundationEssentials
import Git
import Synchronization

/// Builds the events of a line of history on several threads, then adds them to the index
/// file in the line's order, so the file is byte for byte the one a single thread writes.
/// Most of a cold build is libgit2 resolving delta chains for each commit's trees and item
/// blob; those reads depend only on the commit, so ranges of the line can be read at once.
/// Each thread opens its own repository handle (libgit2 objects never cross threads); the
/// calling thread adds finished ranges, oldest first, while later ones are still being read.
enum ParallelEventBuild {
    /// Commits per range: large enough that re-reading a range's first parent and trees
    /// (nothing carries over from the range before) costs nothing measurable.
    static let rangeSize = 1024

    /// True when a line of `commits` is worth the threads: at least two ranges and two cores.
    static func isWorthwhile(for commits: Int) -> Bool {
        threadCount > 1 && commits >= 2 * rangeSize
    }

    private static var threadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Adds the commits of `line` (oldest first, each one's parent before it) and their events
    /// to `writer`, read through handles opened on `gitDirectory`. Progress counts commits
    /// added. Rethrows the first range's error, after every thread has stopped.
    static func add(_ line: [Commit], gitDirectory: String, to writer: inout EventIndexWriter,
                    progress: ProgressReport) throws {
        let ranges = stride(from: 0, to: line.count, by: rangeSize).map { $0..<min($0 + rangeSize, line.count) }
        let work = RangeWork(count: ranges.count)
        let group = DispatchGroup()
        for _ in 0..<min(threadCount, ranges.count) {
            DispatchQueue.global().async(group: group) {
                work.build(ranges, of: line, gitDirectory: gitDirectory)
            }
        }
        // Every thread has stopped before this returns or throws: the caller's scope (libgit2's
        // hash checks off) must not end while a thread still reads.
        defer {
            work.cancel()
            group.wait()
        }
        for (index, range) in ranges.enumerated() {
            let events = try work.result(index)
            for (commit, commitEvents) in zip(line[range], events) {
                let number = writer.add(commit: commit.id, parents: commit.parentIDs)
                for event in commitEvents {
                    writer.append(event, commit: number)
                }
            }
            progress.update(range.upperBound)
        }
    }
}

/// The ranges of one parallel build: which range is next, and each range's events (per commit)
/// or error, handed to the thread that adds them.
private final class RangeWork: Sendable {
    private let next = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let results = Mutex<[Int: Result<[[LedgerEvent]], any Error>]>([:])
    private let finished: [DispatchSemaphore]

    init(count: Int) {
        finished = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Builds ranges, taking the next unclaimed one each time, until none is left or the build
    /// was cancelled. Ranges are claimed in order, so every range before a claimed one is claimed.
    func build(_ ranges: [Range<Int>], of line: [Commit], gitDirectory: String) {
        let repository: Repository
        do {
            repository = try Repository.open(at: gitDirectory)
        } catch {
            fail(claimNext(), error)
            return
        }
        while true {
            let index = claimNext()
            guard index < ranges.count else { return }
            do {
                var builder = EventBuilder(repository: repository)
                let events = try line[ranges[index]].map { try builder.events(of: $0, numberedFrom: 0) }
                results.withLock { $0[index] = .success(events) }
                finished[index].signal()
            } catch {
                fail(index, error)
                return
            }
        }
    }

    /// The next range to build, or the count when there is none (or the build was cancelled).
    private func claimNext() -> Int {
        if cancelled.load(ordering: .acquiring) { return finished.count }
        return next.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
    }

    private func fail(_ index: Int, _ error: any Error) {
        cancelled.store(true, ordering: .releasing)
        guard index < finished.count else { return }
        results.withLock { $0[index] = .failure(error) }
        finished[index].signal()
    }

    /// Waits for range `index` and takes its events, or throws its error. A range is waited for
    /// only after every range before it succeeded, so it was claimed and will finish.
    func result(_ index: Int) throws -> [[LedgerEvent]] {
        finished[index].wait()
        return try results.withLock { $0.removeValue(forKey: index)! }.get()
    }

    /// Stops threads from claiming further ranges.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
    }
}
