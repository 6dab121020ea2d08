import Foundation
import Git
import XCTest
@testable import Ledger

/// The cold index build on several threads writes the same file, byte for byte, as the build on
/// one thread, whatever the ranges; and a range that fails fails the build without hanging.
final class ParallelEventBuildTests: XCTestCase {
    private func makeHistory() throws -> (directory: TestDirectory, store: LedgerStore) {
        let directory = try TestDirectory()
        let keyFile = try directory.makeKey()
        let signer = try NativeEd25519Signer(privateKeyFile: keyFile)
        let identity = GitIdentity(name: "Kari Nordmann", email: "kari@example.no",
                                   signing: SigningConfiguration(format: "ssh", signingKey: keyFile, committerName: "Kari Nordmann", committerEmail: "kari@example.no"))
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "test"), root: try signer.keyIdentity(), email: identity.email)
        let start = 1_700_000_000
        let store = try LedgerStore.create(at: directory.path + "/ledger.git", blueprint: blueprint, identity: identity, signer: signer,
                                           environment: ["GIT_COMMITTER_DATE": "@\(start) +0000"])
        let items = checklist.allItems
        // The same few items again and again, so an item's state before a change often comes
        // from a blob written in an earlier range.
        for n in 0..<40 {
            let item = items[n % 5]
            let change: ItemChange = switch (n / 5) % 3 {
            case 0: .check(note: "runde \(n)", evidence: [.link("https://example.no/\(n)")])
            case 1: .uncheck(reason: "runde \(n)")
            default: .waive(reason: "senere \(n)", until: "2099-01-0\(1 + n % 9)")
            }
            _ = try store.record(change, item: item.fullID, identity: identity, signer: signer,
                                 environment: ["GIT_COMMITTER_DATE": "@\(start + n + 1) +0000"])
        }
        return (directory, store)
    }

    private func serialBuild(_ line: [Commit], repository: Repository) throws -> Data {
        var writer = EventIndexWriter(base: nil, recordingGraph: true)
        var builder = EventBuilder(repository: repository)
        for commit in line {
            try builder.add(commit, to: &writer)
        }
        return writer.finish(head: line.last!.id)
    }

    private func parallelBuild(_ store: LedgerStore, rangeSize: Int, threads: Int) throws -> (data: Data, count: Int?) {
        var writer = EventIndexWriter(base: nil, recordingGraph: true)
        let head = try store.head()
        let count = try ParallelEventBuild.add(from: head, back: nil, repository: store.repository, to: &writer,
                                               progressLabel: "test", rangeSize: rangeSize, threads: threads)
        return (writer.finish(head: head), count)
    }

    func testEveryRangeSizeAndThreadCountWritesTheSingleThreadFile() throws {
        let (directory, store) = try makeHistory()
        _ = directory
        let repository = store.repository
        let line = try XCTUnwrap(repository.linearHistory(from: try store.head(), back: nil))
        XCTAssertEqual(line.count, 41)
        let serial = try serialBuild(line, repository: repository)
        // The file the store saves is the same too.
        _ = try store.eventIndex()
        let saved = try Data(contentsOf: URL(fileURLWithPath: store.cacheFile(LedgerStore.eventIndexName)))
        XCTAssertEqual(saved, serial)
        for threads in [1, 2, 3] {
            for rangeSize in [1, 2, 3, 7, 20, 21, 40, 41, 1000] {
                let (data, count) = try parallelBuild(store, rangeSize: rangeSize, threads: threads)
                XCTAssertEqual(count, 41)
                XCTAssertEqual(data, serial, "ranges of \(rangeSize) on \(threads) threads")
            }
        }
    }

    func testAnUnreadableTreeFailsTheBuildWhereverItLies() throws {
        let (directory, store) = try makeHistory()
        _ = directory
        let line = try XCTUnwrap(store.repository.linearHistory(from: try store.head(), back: nil))
        // The root tree of one commit removed from the object database (the commits stay, so the
        // walk still finds a line): the range reading it fails, and so does the build.
        for position in [0, 20, 40] {
            let (copyDirectory, copy) = try copyOf(store)
            _ = copyDirectory
            let hex = line[position].treeID.hex
            let object = copy.repository.gitDirectory + "objects/\(hex.prefix(2))/\(hex.dropFirst(2))"
            XCTAssertTrue(FileManager.default.fileExists(atPath: object), object)
            try FileManager.default.removeItem(atPath: object)
            for threads in [1, 2] {
                XCTAssertThrowsError(try parallelBuild(copy, rangeSize: 4, threads: threads), "tree of commit \(position), \(threads) threads")
            }
        }
    }

    /// A copy of `store`'s repository with every object loose (stock git unpacks the packs),
    /// so one can be removed.
    private func copyOf(_ store: LedgerStore) throws -> (TestDirectory, LedgerStore) {
        let directory = try TestDirectory()
        let path = directory.path + "/copy.git"
        try FileManager.default.copyItem(atPath: String(store.repository.gitDirectory.dropLast()), toPath: path)
        let script = "mkdir \"$0/packs\" && mv \"$0\"/copy.git/objects/pack/* \"$0/packs/\" && "
            + "for pack in \"$0\"/packs/*.pack; do git --git-dir \"$0/copy.git\" unpack-objects -q < \"$pack\" || exit 1; done"
        let result = try ProcessRunner.run("/bin/sh", ["-c", script, directory.path], timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderrText)
        return (directory, try LedgerStore.open(at: path))
    }
}
