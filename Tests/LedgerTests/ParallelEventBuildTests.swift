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

    func testEveryRangeSizeWritesTheSingleThreadFile() throws {
        let (directory, store) = try makeHistory()
        _ = directory
        let repository = store.repository
        let line = try XCTUnwrap(repository.linearHistory(from: try store.head(), back: nil))
        XCTAssertEqual(line.count, 41)
        let serial = try serialBuild(line, repository: repository)
        // The file the store saves (a line this short is built on one thread) is the same too.
        _ = try store.eventIndex()
        let saved = try Data(contentsOf: URL(fileURLWithPath: store.cacheFile(LedgerStore.eventIndexName)))
        XCTAssertEqual(saved, serial)
        for rangeSize in [1, 2, 3, 7, 40, 41, 1000] {
            var writer = EventIndexWriter(base: nil, recordingGraph: true)
            try ParallelEventBuild.add(line, gitDirectory: repository.gitDirectory, to: &writer,
                                       progress: ProgressReport("test", enabled: false), rangeSize: rangeSize)
            XCTAssertEqual(writer.finish(head: line.last!.id), serial, "ranges of \(rangeSize)")
        }
    }

    func testAFailingRangeFailsTheBuild() throws {
        let (directory, store) = try makeHistory()
        let line = try XCTUnwrap(store.repository.linearHistory(from: try store.head(), back: nil))
        // No repository there: every thread fails to open its handle.
        var writer = EventIndexWriter(base: nil, recordingGraph: true)
        XCTAssertThrowsError(try ParallelEventBuild.add(line, gitDirectory: directory.path + "/nothing.git", to: &writer,
                                                        progress: ProgressReport("test", enabled: false), rangeSize: 4))
        // A commit of another ledger (its trees and parent are not in this one): the range
        // holding it fails, wherever it lies, and so does the build.
        let (otherDirectory, other) = try makeHistory()
        _ = otherDirectory
        let strangers = try XCTUnwrap(other.repository.linearHistory(from: try other.head(), back: nil))
        for position in [0, 20, 40] {
            var broken = line
            broken[position] = strangers[position]
            var writer = EventIndexWriter(base: nil, recordingGraph: true)
            XCTAssertThrowsError(try ParallelEventBuild.add(broken, gitDirectory: store.repository.gitDirectory, to: &writer,
                                                            progress: ProgressReport("test", enabled: false), rangeSize: 4),
                                 "a stranger at \(position)")
        }
    }
}
