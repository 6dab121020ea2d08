import Foundation
import Git
import XCTest

/// The Git module against real repositories in fresh temporary directories, with stock git as judge.
final class RepositoryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("git-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SandboxFailure(arguments.joined(separator: " ")) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func makeRepository() throws -> (Repository, String) {
        let path = directory.appendingPathComponent("repo.git").path
        return (try Repository.create(at: path, bare: true, initialBranch: "main"), path)
    }

    private let person = GitSignature(name: "Åse Ødegård", email: "ase@example.no", time: 1_790_000_000, offsetMinutes: 60)

    func testCreateWritesACommitThatStockGitReads() throws {
        let (repository, path) = try makeRepository()
        XCTAssertTrue(repository.isBare)
        XCTAssertNil(repository.workingDirectory)
        XCTAssertEqual(try repository.headBranch(), "refs/heads/main")
        XCTAssertNil(try repository.referenceTarget("refs/heads/main"))

        let tree = try repository.updatedTree(repository.emptyTree(), applying: [
            .write(path: "items/a/b.json", contents: Data("{}\n".utf8)),
            .write(path: "ledger.json", contents: Data("æøå\n".utf8)),
        ])
        let buffer = try repository.commitBuffer(tree: tree, parents: [], author: person, committer: person, message: "first\n")
        let id = try repository.writeCommit(buffer: buffer, signature: nil)
        try repository.compareAndSwapReference("refs/heads/main", to: id, expecting: nil, message: "test")

        XCTAssertEqual(try git("--git-dir", path, "rev-parse", "main"), id.hex)
        XCTAssertEqual(try git("--git-dir", path, "show", "main:ledger.json"), "æøå")
        XCTAssertEqual(try git("--git-dir", path, "log", "-1", "--format=%an|%ae|%at|%ai"), "Åse Ødegård|ase@example.no|1790000000|2026-09-21 15:13:20 +0100")
        _ = try git("--git-dir", path, "fsck", "--strict")

        let commit = try repository.commit(id)
        XCTAssertEqual(commit.treeID, tree)
        XCTAssertEqual(commit.parentIDs, [])
        XCTAssertEqual(commit.author, person)
        XCTAssertEqual(commit.message, "first\n")
        XCTAssertNil(commit.signature)
        XCTAssertNil(try repository.signedPayload(of: id))
        XCTAssertEqual(try repository.file(atPath: "items/a/b.json", inTree: tree), Data("{}\n".utf8))
        XCTAssertNil(try repository.file(atPath: "items/a/missing.json", inTree: tree))
        XCTAssertEqual(try repository.treeEntries(tree).map(\.name), ["items", "ledger.json"])
    }

    func testCompareAndSwapRefusesAStaleExpectation() throws {
        let (repository, path) = try makeRepository()
        let tree = try repository.emptyTree()
        let first = try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: [], author: person, committer: person, message: "1\n"), signature: nil)
        try repository.compareAndSwapReference("refs/heads/main", to: first, expecting: nil, message: "1")
        let second = try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: [first], author: person, committer: person, message: "2\n"), signature: nil)
        let third = try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: [first], author: person, committer: person, message: "3\n"), signature: nil)
        try repository.compareAndSwapReference("refs/heads/main", to: second, expecting: first, message: "2")
        XCTAssertThrowsError(try repository.compareAndSwapReference("refs/heads/main", to: third, expecting: first, message: "3")) { error in
            XCTAssertTrue((error as? GitError)?.isModified == true, "\(error)")
        }
        XCTAssertThrowsError(try repository.compareAndSwapReference("refs/heads/main", to: third, expecting: nil, message: "3")) { error in
            XCTAssertTrue((error as? GitError)?.isExisting == true, "\(error)")
        }
        XCTAssertEqual(try git("--git-dir", path, "rev-parse", "main"), second.hex)
        XCTAssertTrue(try repository.isDescendant(second, of: first))
        XCTAssertFalse(try repository.isDescendant(first, of: second))
        XCTAssertEqual(try repository.mergeBase(second, third), first)
    }

    func testSignatureIsStoredLikeGitAndExtractedExactly() throws {
        let (repository, path) = try makeRepository()
        let tree = try repository.emptyTree()
        let buffer = try repository.commitBuffer(tree: tree, parents: [], author: person, committer: person, message: "signed\n")
        let armored = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
        let id = try repository.writeCommit(buffer: buffer, signature: armored)
        let raw = String(decoding: try repository.rawObject(id), as: UTF8.self)
        XCTAssertTrue(raw.contains("gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n\nsigned\n"), raw)
        let payload = try XCTUnwrap(repository.signedPayload(of: id))
        XCTAssertEqual(payload.signedData, buffer)
        XCTAssertEqual(payload.signature, armored.trimmingCharacters(in: .newlines), "libgit2 hands the header value back without its final newline")
        XCTAssertEqual(try repository.commit(id).signature, armored.trimmingCharacters(in: .newlines))
        try repository.compareAndSwapReference("refs/heads/main", to: id, expecting: nil, message: "signed")
        XCTAssertEqual(try git("--git-dir", path, "cat-file", "commit", "main"), raw.trimmingCharacters(in: .newlines))
    }

    func testChangedFilesAndWalkAgreeWithGit() throws {
        let (repository, path) = try makeRepository()
        var tree = try repository.updatedTree(repository.emptyTree(), applying: [
            .write(path: "items/a/one.json", contents: Data("1".utf8)),
            .write(path: "items/b/two.json", contents: Data("2".utf8)),
        ])
        var parent = try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: [], author: person, committer: person, message: "root\n"), signature: nil)
        let root = parent
        var ids = [parent]
        for step in 1...5 {
            let base = tree
            tree = try repository.updatedTree(base, applying: [.write(path: "items/a/one.json", contents: Data("v\(step)".utf8))])
            let changes = try repository.changedFiles(tree: tree, parentTrees: [base])
            XCTAssertEqual(changes.map(\.path), ["items/a/one.json"])
            var moved = person
            moved.time += Int64(step)
            parent = try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: [parent], author: moved, committer: moved, message: "step \(step)\n"), signature: nil)
            ids.append(parent)
        }
        let removal = try repository.updatedTree(tree, applying: [.remove(path: "items/b/two.json")])
        let removed = try repository.changedFiles(tree: removal, parentTrees: [tree])
        XCTAssertEqual(removed.map(\.path), ["items/b/two.json"])
        XCTAssertNil(removed.first?.blob)
        XCTAssertEqual(removed.first?.previousBlob, try repository.entry(atPath: "items/b/two.json", inTree: tree)?.id)
        XCTAssertEqual(try repository.changedFiles(tree: tree, parentTrees: []).map(\.path), ["items/a/one.json", "items/b/two.json"])
        // A merge: only what differs from every parent is its own change. A file that became a
        // directory shows as the files below it.
        let ours = try repository.updatedTree(tree, applying: [.write(path: "items/a/one.json", contents: Data("ours".utf8))])
        let theirs = try repository.updatedTree(tree, applying: [.write(path: "items/b/two.json", contents: Data("theirs".utf8))])
        let merged = try repository.updatedTree(ours, applying: [
            .write(path: "items/b/two.json", contents: Data("theirs".utf8)),
            .write(path: "items/c/three.json", contents: Data("3".utf8)),
        ])
        XCTAssertEqual(try repository.changedFiles(tree: merged, parentTrees: [ours, theirs]).map(\.path), ["items/c/three.json"])
        let reshaped = try repository.updatedTree(repository.updatedTree(tree, applying: [.remove(path: "items/b/two.json")]),
                                                  applying: [.write(path: "items/b/two.json/inner.json", contents: Data("x".utf8))])
        let reshapedChanges = try repository.changedFiles(tree: reshaped, parentTrees: [tree])
        XCTAssertEqual(reshapedChanges.map(\.path), ["items/b/two.json/inner.json"])
        try repository.compareAndSwapReference("refs/heads/main", to: parent, expecting: nil, message: "walk")
        let walked = try RevisionWalk(repository: repository, from: [parent], order: .topological).collect()
        XCTAssertEqual(walked.map(\.hex), try git("--git-dir", path, "rev-list", "--topo-order", "main").split(separator: "\n").map(String.init))
        let reverse = try RevisionWalk(repository: repository, from: [parent], hiding: [root], order: .topologicalReverse).collect()
        XCTAssertEqual(reverse, Array(ids.dropFirst()))
    }

    func testALinearHistoryIsTheSortedWalkAndAMergeIsNone() throws {
        let (repository, path) = try makeRepository()
        let tree = try repository.updatedTree(repository.emptyTree(), applying: [.write(path: "a", contents: Data("1".utf8))])
        func commit(_ parents: [ObjectID], _ message: String, at time: Int64) throws -> ObjectID {
            var when = person
            when.time = time
            return try repository.writeCommit(buffer: repository.commitBuffer(tree: tree, parents: parents, author: when, committer: when,
                                                                               message: message), signature: nil)
        }
        let root = try commit([], "root\n", at: 1_790_000_000)
        var line = [root]
        // Committer times out of order, so the topological order, not time, must decide.
        for step in 1...6 {
            line.append(try commit([line.last!], "step \(step)\n", at: 1_790_000_000 + Int64(step % 3 == 0 ? -step : step)))
        }
        let head = line.last!
        func walked(hiding: [ObjectID]) throws -> [ObjectID] {
            try RevisionWalk(repository: repository, from: [head], hiding: hiding, order: .topologicalReverse).collect()
        }
        XCTAssertEqual(repository.linearHistory(from: head, back: nil)?.map(\.id), line)
        XCTAssertEqual(repository.linearHistory(from: head, back: nil)?.map(\.id), try walked(hiding: []))
        XCTAssertEqual(repository.linearHistory(from: head, back: line[2])?.map(\.id), try walked(hiding: [line[2]]))
        XCTAssertEqual(repository.linearHistory(from: head, back: head)?.count, 0)
        let read = try XCTUnwrap(repository.linearHistory(from: head, back: line[5])?.first)
        XCTAssertEqual(read.message, "step 6\n")
        XCTAssertEqual(read.parentIDs, [line[5]])
        XCTAssertEqual(read.treeID, tree)
        XCTAssertNil(read.signature, "a history walk does not read signatures")
        // A stop that is not on the line (another root), a merge, a missing commit: none.
        let stranger = try commit([], "other root\n", at: 1_790_000_100)
        XCTAssertNil(repository.linearHistory(from: head, back: stranger))
        let merge = try commit([head, stranger], "merge\n", at: 1_790_000_200)
        let after = try commit([merge], "after\n", at: 1_790_000_300)
        XCTAssertNil(repository.linearHistory(from: after, back: nil))
        XCTAssertNil(repository.linearHistory(from: after, back: head), "the merge lies between the two")
        XCTAssertEqual(repository.linearHistory(from: after, back: merge)?.map(\.id), [after], "the merge itself is the stop")
        XCTAssertNil(repository.linearHistory(from: try XCTUnwrap(ObjectID(hex: String(repeating: "ab", count: 20))), back: nil))
        try repository.compareAndSwapReference("refs/heads/main", to: head, expecting: nil, message: "line")
        XCTAssertEqual(repository.linearHistory(from: head, back: nil)?.map(\.id.hex).reversed(),
                       try git("--git-dir", path, "rev-list", "--topo-order", "main").split(separator: "\n").map(String.init))
    }

    func testATreeWindowDiffsAWalkAsFreshReadsDo() throws {
        let (repository, _) = try makeRepository()
        var tree = try repository.updatedTree(repository.emptyTree(), applying: [
            .write(path: "items/a/one.json", contents: Data("1".utf8)),
            .write(path: "items/b/two.json", contents: Data("2".utf8)),
            .write(path: "settings.json", contents: Data("{}".utf8)),
        ])
        var trees = [tree]
        for step in 1...6 {
            let path = ["items/a/one.json", "items/b/two.json", "settings.json", "items/c/new.json"][step % 4]
            tree = try repository.updatedTree(tree, applying: step == 5 ? [.remove(path: "items/b/two.json")]
                                                : [.write(path: path, contents: Data("v\(step)".utf8))])
            trees.append(tree)
        }
        let window = TreeWindow(repository: repository)
        for (parent, child) in zip(trees, trees.dropFirst()) {
            let fresh = try repository.changedFiles(tree: child, parentTrees: [parent])
            XCTAssertEqual(try repository.changedFiles(tree: child, parentTrees: [parent], window: window), fresh)
            XCTAssertFalse(fresh.isEmpty)
            window.advance()
        }
        // A merge whose second parent the window never saw, and a root commit.
        XCTAssertEqual(try repository.changedFiles(tree: trees[6], parentTrees: [trees[5], trees[1]], window: window),
                       try repository.changedFiles(tree: trees[6], parentTrees: [trees[5], trees[1]]))
        XCTAssertEqual(try repository.changedFiles(tree: trees[3], parentTrees: [], window: window).map(\.path),
                       ["items/a/one.json", "items/b/two.json", "items/c/new.json", "settings.json"])
    }

    func testObjectHashChecksAreOffOnlyInsideTheirScope() throws {
        let (repository, path) = try makeRepository()
        let first = try repository.writeBlob(Data("first\n".utf8))
        let second = try repository.writeBlob(Data("second\n".utf8))
        // A loose object whose content is not what its name says: another object's file.
        let looseFirst = "\(path)/objects/\(first.hex.prefix(2))/\(first.hex.dropFirst(2))"
        try FileManager.default.removeItem(atPath: looseFirst)
        try FileManager.default.copyItem(atPath: "\(path)/objects/\(second.hex.prefix(2))/\(second.hex.dropFirst(2))", toPath: looseFirst)
        XCTAssertThrowsError(try repository.blob(first), "libgit2 hashes what it reads by default") { error in
            XCTAssertTrue((error as? GitError)?.message.contains("hash") == true, "\(error)")
        }
        XCTAssertEqual(try Library.withoutObjectHashChecks { try repository.blob(first) }, Data("second\n".utf8))
        XCTAssertThrowsError(try repository.blob(first), "the check is back on after the scope")
        struct Stop: Error {}
        XCTAssertThrowsError(try Library.withoutObjectHashChecks { () throws -> Data in throw Stop() })
        XCTAssertThrowsError(try repository.blob(first), "and after a scope that threw")
    }

    func testATreeHeldOpenFindsWhatLookupByPathFinds() throws {
        let (repository, path) = try makeRepository()
        let names = (0..<300).map { "item-\($0).json" }
        let root = try repository.updatedTree(repository.emptyTree(), applying: names.map {
            .write(path: "items/big/\($0)", contents: Data($0.utf8))
        })
        let directory = try XCTUnwrap(repository.entry(atPath: "items/big", inTree: root))
        XCTAssertEqual(directory.kind, .tree)
        let tree = try repository.tree(directory.id)
        XCTAssertEqual(tree.id, directory.id)
        for name in names {
            XCTAssertEqual(tree.entry(named: name), try repository.entry(atPath: "items/big/\(name)", inTree: root), name)
        }
        XCTAssertNil(tree.entry(named: "missing.json"))
        XCTAssertNil(tree.entry(named: "item-1.json/deeper"), "a name is one path component")
        let listed = try git("--git-dir", path, "ls-tree", "--name-only", directory.id.hex)
        XCTAssertEqual(listed.split(separator: "\n").count, names.count)
        XCTAssertThrowsError(try repository.tree(try XCTUnwrap(repository.entry(atPath: "items/big/item-1.json", inTree: root)).id),
                             "a blob is not a tree")
    }

    func testErrorsCarryLibgit2Messages() throws {
        XCTAssertThrowsError(try Repository.open(at: directory.appendingPathComponent("absent").path)) { error in
            let message = (error as? GitError)?.message ?? ""
            XCTAssertTrue(message.contains("cannot open repository"), message)
            XCTAssertTrue((error as? GitError)?.isNotFound == true, message)
        }
        let (repository, _) = try makeRepository()
        XCTAssertThrowsError(try Repository.create(at: repository.gitDirectory, bare: true, initialBranch: "main")) { error in
            XCTAssertTrue(error is GitError, "\(error)")
        }
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        XCTAssertThrowsError(try repository.commit(missing)) { error in
            XCTAssertTrue((error as? GitError)?.isNotFound == true, "\(error)")
        }
        XCTAssertFalse(try repository.contains(missing))
        var bad = person
        bad.email = "a>b@example.no"
        XCTAssertThrowsError(try repository.commitBuffer(tree: repository.emptyTree(), parents: [], author: bad, committer: bad, message: "x\n"))
    }

    func testObjectIDParsing() {
        XCTAssertNil(ObjectID(hex: "abc"))
        XCTAssertNil(ObjectID(hex: String(repeating: "g", count: 40)))
        let id = ObjectID(hex: "0123456789ABCDEF0123456789abcdef01234567")
        XCTAssertEqual(id?.hex, "0123456789abcdef0123456789abcdef01234567")
        XCTAssertEqual(id?.abbreviated(7), "0123456")
        XCTAssertNil(ObjectID(bytes: [1, 2, 3]))
    }

    func testConfigReadsGitConfigGlobalFromTheEnvironmentLevel() throws {
        let (repository, path) = try makeRepository()
        _ = try git("--git-dir", path, "config", "readiness.test", "local-value")
        let config = try repository.config()
        XCTAssertEqual(try config.string("readiness.test"), "local-value")
        XCTAssertNil(try config.string("readiness.absent"))
        try config.set("readiness.flag", "yes")
        XCTAssertEqual(try config.bool("readiness.flag"), true)
        XCTAssertEqual(try git("--git-dir", path, "config", "readiness.flag"), "yes")
        try config.remove("readiness.flag")
        XCTAssertNil(try repository.config().string("readiness.flag"))
    }
}

private struct SandboxFailure: Error {
    let command: String
    init(_ command: String) { self.command = command }
}
