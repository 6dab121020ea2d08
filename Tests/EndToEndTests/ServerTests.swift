import Foundation
import ServerFixtures
import XCTest

/// Sharing a ledger through real servers on 127.0.0.1, each started by the test with its own
/// configuration and stopped in tearDown: OpenSSH's sshd, and nginx + fcgiwrap in front of
/// `git http-backend` with TLS from a throwaway CA and basic authentication. The client side is
/// configured as a git user would configure it (ssh-agent, `core.sshCommand`, `http.sslCAInfo`,
/// a credential helper); stock git is the independent judge of every result.
final class ServerTests: XCTestCase {
    private var box: Sandbox!
    private var stops: [() -> Void] = []

    override func setUpWithError() throws {
        box = try Sandbox()
    }

    override func tearDown() {
        for stop in stops.reversed() { stop() }
        stops = []
        box = nil
    }

    private func startSSH() throws -> SSHServer {
        let server = try SSHServer(box: box)
        stops.append(server.stop)
        return server
    }

    private func startHTTPS() throws -> HTTPSServer {
        let server = try HTTPSServer(box: box)
        stops.append(server.stop)
        return server
    }

    // MARK: - Both transports, the whole team story

    func testTeamUseOverSSH() throws {
        let server = try startSSH()
        try exercise(url: { server.url(self.box.path($0)) })
    }

    func testTeamUseOverHTTPSWithTestCAAndBasicAuth() throws {
        let server = try startHTTPS()
        try exercise(url: { server.url($0) })

        // The test CA is trusted through git's own settings, nothing else: without
        // http.sslCAInfo the same clone is refused for its certificate (the system bundle does
        // not know the CA), and GIT_SSL_CAINFO works as it does for git.
        let caFile = try box.git("config", "--global", "http.sslCAInfo")
        try box.git("config", "--global", "--unset", "http.sslCAInfo")
        let untrusted = try box.readiness("clone", server.url("origin.git"), box.path("untrusted.git"))
        XCTAssertEqual(untrusted.status, 10, untrusted.stdout + untrusted.stderr)
        XCTAssertTrue(untrusted.stderr.lowercased().contains("certificate"), untrusted.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("untrusted.git")))
        // (The remote was tampered with above: getting as far as verification proves TLS and
        // authentication succeeded.)
        let byEnvironment = try box.readiness("clone", server.url("origin.git"), box.path("by-env.git"), environment: ["GIT_SSL_CAINFO": caFile])
        XCTAssertEqual(byEnvironment.status, 21, byEnvironment.stderr)
        XCTAssertTrue(byEnvironment.stderr.contains("fails verification"), byEnvironment.stderr)
        try box.git("config", "--global", "http.https://127.0.0.1:\(server.port)/.sslCAInfo", caFile)
        let byURLKey = try box.readiness("clone", server.url("origin.git"), box.path("by-url-key.git"))
        XCTAssertTrue(byURLKey.stderr.contains("fails verification"), byURLKey.stderr)
    }

    /// Over one transport: sequential syncs in random order converge; clones syncing at the
    /// same moment all succeed (lost races fetch, merge and retry); a push race; the gate's own
    /// fetch (stock git, through the same server); a tampered remote refused by sync, clone and
    /// gate alike, with nothing changed locally.
    private func exercise(url: (String) -> String) throws {
        let origin = try box.makeLedger("origin.git")
        let address = url("origin.git")
        try box.converge(origin: origin, url: address, seed: 5, clones: 2, rounds: 1)

        // Concurrent writers: three clones sign off and sync at the same moment.
        let writers = (0..<3).map { box.path("writer\($0).git") }
        for (index, writer) in writers.enumerated() {
            try box.readinessOK("clone", address, writer)
            try box.readinessOK("check", "7.\(index + 1)", "--note", "writer \(index)", "--ledger", writer)
        }
        let results = ResultBox(count: writers.count)
        // Sandbox.run only reads the sandbox, so sharing it between the workers is safe.
        nonisolated(unsafe) let sandbox = box!
        DispatchQueue.concurrentPerform(iterations: writers.count) { index in
            results.set(index, try? sandbox.readiness("sync", "--ledger", writers[index]))
        }
        for (index, result) in results.values.enumerated() {
            XCTAssertEqual(result?.status, 0, "writer \(index): \(result?.stdout ?? "") \(result?.stderr ?? "")")
        }
        for writer in writers { try box.readinessOK("sync", "--ledger", writer) }
        let head = try box.git("--git-dir", origin, "rev-parse", "main")
        for writer in writers { XCTAssertEqual(try box.git("--git-dir", writer, "rev-parse", "main"), head) }
        let notes = try box.git("--git-dir", origin, "log", "--format=%B", "main")
        for index in writers.indices { XCTAssertTrue(notes.contains("writer \(index)"), notes) }
        try box.readinessOK("verify", "--full", "--ledger", origin)
        XCTAssertEqual(try box.run("/usr/bin/git", ["--git-dir", origin, "fsck", "--strict"]).status, 0)

        // A push race: the second push finds the remote moved, merges and retries.
        try box.readinessOK("check", "8.1", "--ledger", writers[0])
        try box.readinessOK("check", "8.2", "--ledger", writers[1])
        try box.readinessOK("push", "--ledger", writers[0])
        let raced = try box.readinessOK("push", "--ledger", writers[1])
        XCTAssertTrue(raced.stdout.contains("after 1 retry"), raced.stdout)
        let signers = try box.allowedSignersFile(from: origin)
        let merged = try box.git("--git-dir", origin, "rev-parse", "main")
        XCTAssertEqual(try box.verifyCommit(merged, ledger: origin, allowedSigners: signers).status, 0)

        // The gate fetches the shared state with stock git through the same server.
        let product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("config", "readiness.ledger", address, in: product)
        let blocked = try box.readiness("gate", "--require", "1", in: product)
        XCTAssertEqual(blocked.status, 20, blocked.stdout + blocked.stderr)
        XCTAssertTrue(blocked.stdout.contains("fetched from \(address)"), blocked.stdout)
        for number in 1...6 {
            let result = try box.readiness("check", "1.\(number)", "--ledger", writers[2])
            XCTAssertTrue(result.status == 0 || result.status == 8, result.stderr)
        }
        try box.readinessOK("sync", "--ledger", writers[2])
        let passed = try box.readiness("gate", "--require", "1", in: product)
        XCTAssertEqual(passed.status, 0, passed.stdout + passed.stderr)
        XCTAssertTrue(passed.stdout.contains(try box.git("--git-dir", origin, "rev-parse", "main")), passed.stdout)

        // A tampered remote: a stranger's signed commit pushed with stock git over the server.
        let before = try box.git("--git-dir", writers[0], "rev-parse", "main")
        let stranger = box.path("stranger_key")
        try box.makeKey(at: stranger, comment: "mallory@example.com")
        let work = box.path("work")
        try box.git("clone", "-q", address, work)
        try box.git("-c", "user.email=mallory@example.com", "-c", "user.signingkey=\(stranger)",
                    "commit", "-q", "-S", "--allow-empty", "-m", "nothing to see", in: work)
        try box.git("push", "-q", "origin", "HEAD:main", in: work)
        let refused = try box.readiness("sync", "--ledger", writers[0])
        XCTAssertEqual(refused.status, 21, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("fails verification"), refused.stderr)
        XCTAssertEqual(try box.git("--git-dir", writers[0], "rev-parse", "main"), before)
        let second = box.path("second.git")
        XCTAssertEqual(try box.readiness("clone", address, second).status, 21)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second))
        let tamperedGate = try box.readiness("gate", "--require", "1", in: product)
        XCTAssertEqual(tamperedGate.status, 21, tamperedGate.stdout + tamperedGate.stderr)
    }

    // MARK: - The server's HEAD does not matter

    /// A shared ledger on a server made with plain `git init --bare` (HEAD names `master`):
    /// clone, pull, push, sync, the gate by URL and by path all read `main`.
    func testServerWhoseHEADIsMasterServesTheLedgerBranch() throws {
        let server = try startSSH()
        let local = try box.makeLedger("local.git")
        let shared = box.path("shared.git")
        try box.git("-c", "init.defaultBranch=master", "init", "-q", "--bare", shared)
        XCTAssertEqual(try box.git("--git-dir", shared, "symbolic-ref", "HEAD"), "refs/heads/master")
        try box.git("--git-dir", local, "push", "-q", shared, "main")
        let address = server.url(shared)
        let clone = box.path("clone.git")
        try box.readinessOK("clone", address, clone)
        try box.readinessOK("check", "1.1", "--ledger", clone)
        try box.readinessOK("push", "--ledger", clone)
        try box.readinessOK("pull", "--ledger", clone)
        try box.readinessOK("sync", "--ledger", clone)
        XCTAssertEqual(try box.git("--git-dir", shared, "rev-parse", "main"), try box.git("--git-dir", clone, "rev-parse", "main"))
        let product = box.path("product")
        try box.git("init", "-q", product)
        for ledger in [address, shared] {
            let gate = try box.readiness("gate", "--require", "1", "--ledger", ledger, in: product)
            XCTAssertEqual(gate.status, 20, "\(ledger): \(gate.stdout)\(gate.stderr)")
            XCTAssertTrue(gate.stdout.contains("1.2"), gate.stdout)
        }
        try box.readinessOK("status", "--ledger", shared)

        // The pre-push hook pins and judges the same ledger by URL.
        try box.git("commit", "-q", "--allow-empty", "-m", "first", in: product)
        let remote = box.path("product-remote.git")
        try box.git("init", "-q", "--bare", remote)
        try box.git("remote", "add", "origin", remote, in: product)
        try box.readinessOK("hook", "install", "--ledger", address, "--require", "1", in: product)
        let binaries = URL(fileURLWithPath: Sandbox.binary).deletingLastPathComponent().path
        let push = try box.run("/usr/bin/git", ["push", "origin", "main"], in: product, environment: ["PATH": binaries + ":/usr/bin:/bin"])
        XCTAssertNotEqual(push.status, 0, push.stderr)
        XCTAssertTrue(push.stderr.contains("blocked:") && push.stderr.contains("1.2"), push.stderr)
    }

    // MARK: - First publication, mirrors

    /// `push --set-remote URL` publishes a local ledger to an empty repository over ssh and
    /// records `origin`; an address holding another history is refused, recording nothing; an
    /// address given to `--remote` gets a hint that names `--set-remote`.
    func testFirstPublicationOverSSH() throws {
        let server = try startSSH()
        let local = try box.makeLedger("local.git")
        let shared = box.path("shared.git")
        try box.git("init", "-q", "--bare", shared)
        let address = server.url(shared)

        let wrong = try box.readiness("push", "--remote", address, "--ledger", local)
        XCTAssertEqual(wrong.status, 5, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("readiness push --set-remote \(address)"), wrong.stderr)

        let published = try box.readinessOK("push", "--set-remote", address, "--ledger", local)
        XCTAssertTrue(published.stdout.contains("recorded origin = \(address)"), published.stdout)
        XCTAssertEqual(try box.git("--git-dir", shared, "rev-parse", "main"), try box.git("--git-dir", local, "rev-parse", "main"))
        XCTAssertEqual(try box.git("--git-dir", local, "config", "remote.origin.url"), address)
        try box.readinessOK("check", "1.1", "--ledger", local)
        try box.readinessOK("sync", "--ledger", local)
        XCTAssertEqual(try box.git("--git-dir", shared, "rev-parse", "main"), try box.git("--git-dir", local, "rev-parse", "main"))
        // Publishing the same ledger again to the same address changes nothing.
        try box.readinessOK("push", "--set-remote", address, "--ledger", local)

        let other = try box.makeLedger("other.git")
        let refused = try box.readiness("push", "--set-remote", address, "--ledger", other)
        XCTAssertEqual(refused.status, 8, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("different history"), refused.stderr)
        XCTAssertEqual(try box.gitResult(["--git-dir", other, "config", "remote.origin.url"]).status, 1, "nothing recorded")
        let moved = try box.readiness("push", "--set-remote", box.path("elsewhere.git"), "--ledger", local)
        XCTAssertEqual(moved.status, 8, moved.stderr)
        XCTAssertTrue(moved.stderr.contains("already has a remote origin"), moved.stderr)
    }

    /// Outside a git repository the gate's mirror lives in the user's cache folder, not a shared
    /// temporary folder; mirrors unused for more than 30 days are pruned, recent ones kept.
    func testMirrorsLiveInTheUserCacheAndStaleOnesArePruned() throws {
        let origin = try box.makeLedger("origin.git")
        let outside = box.path("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let cache = box.home.appendingPathComponent(".cache/readiness/ledger-mirrors").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let stale = cache + "/0000000000000000.git", recent = cache + "/1111111111111111.git"
        for mirror in [stale, recent] { try box.git("init", "-q", "--bare", mirror) }
        let old = Date().addingTimeInterval(-40 * 24 * 3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: stale)
        let gate = try box.readiness("gate", "--ledger", "file://\(origin)", in: outside)
        XCTAssertEqual(gate.status, 20, gate.stdout + gate.stderr)
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        XCTAssertEqual(mirrors.count, 2, "\(mirrors)")
        XCTAssertFalse(mirrors.contains("0000000000000000.git"), "the stale mirror is pruned")
        XCTAssertTrue(mirrors.contains("1111111111111111.git"), "a recent mirror is kept")
        let withXDG = try box.readiness("gate", "--ledger", "file://\(origin)", in: outside,
                                        environment: ["XDG_CACHE_HOME": box.path("xdg")])
        XCTAssertEqual(withXDG.status, 20, withXDG.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: box.path("xdg/readiness/ledger-mirrors")).count, 1)
    }

    // MARK: - Server-side enforcement

    func testServerHookRefusesNoVerifyPushesOverSSH() throws {
        let binaries = URL(fileURLWithPath: Sandbox.binary).deletingLastPathComponent().path
        let server = try SSHServer(box: box, path: [binaries])
        stops.append(server.stop)
        try enforce(url: { server.url(self.box.path($0)) })
    }

    func testServerHookRefusesNoVerifyPushesOverHTTPS() throws {
        let binaries = URL(fileURLWithPath: Sandbox.binary).deletingLastPathComponent().path
        let server = try HTTPSServer(box: box, path: [binaries])
        stops.append(server.stop)
        try enforce(url: { server.url($0) })
    }

    /// `hook install --server` on the server's bare repository: a push to a protected branch
    /// is refused even with `--no-verify` while required items are open, other branches pass,
    /// the hook that was there runs first with the same input, and uninstall restores it byte
    /// for byte. Installing with no ledger to record is refused and installs nothing.
    private func enforce(url: (String) -> String) throws {
        let ledger = try box.makeLedger("ledger.git")
        let repository = box.path("product.git")
        try box.git("-c", "init.defaultBranch=master", "init", "-q", "--bare", repository)
        let hook = "\(repository)/hooks/pre-receive"
        let seen = box.path("chained-input")
        let original = "#!/bin/sh\n# the team's own hook\ncat >> '\(seen)'\nexit 0\n"
        try original.write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hook)

        let nothing = try box.readiness("hook", "install", "--server", "--repo", repository)
        XCTAssertEqual(nothing.status, 3, nothing.stdout + nothing.stderr)
        XCTAssertTrue(nothing.stderr.contains("no ledger to record"), nothing.stderr)
        XCTAssertEqual(try String(contentsOfFile: hook, encoding: .utf8), original, "nothing installed")

        let installed = try box.readinessOK("hook", "install", "--server", "--repo", repository, "--ledger", ledger, "--require", "1")
        XCTAssertTrue(installed.stdout.contains("the hook judges the ledger \(ledger) (from --ledger"), installed.stdout)
        XCTAssertTrue(installed.stdout.contains("readiness.ledgerRoot"), installed.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(hook).readiness-chained"))

        let work = box.path("work")
        try box.git("init", "-q", work)
        try box.git("commit", "-q", "--allow-empty", "-m", "release candidate", in: work)
        try box.git("remote", "add", "origin", url("product.git"), in: work)
        let refused = try box.run("/usr/bin/git", ["push", "--no-verify", "origin", "main"], in: work)
        XCTAssertNotEqual(refused.status, 0, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("refused by the server"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("1.1"), refused.stderr)
        XCTAssertEqual(try box.gitResult(["--git-dir", repository, "rev-parse", "--verify", "-q", "refs/heads/main"]).stdout, "")
        let feature = try box.run("/usr/bin/git", ["push", "--no-verify", "origin", "main:refs/heads/feature"], in: work)
        XCTAssertEqual(feature.status, 0, feature.stderr)
        XCTAssertTrue(try String(contentsOfFile: seen, encoding: .utf8).contains("refs/heads/main"), "the chained hook saw the push")

        for number in 1...6 { try box.readinessOK("check", "1.\(number)", "--ledger", ledger) }
        let allowed = try box.run("/usr/bin/git", ["push", "--no-verify", "origin", "main"], in: work)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertEqual(try box.git("--git-dir", repository, "rev-parse", "main"), try box.git("rev-parse", "HEAD", in: work))

        try box.readinessOK("hook", "uninstall", "--server", "--repo", repository)
        XCTAssertEqual(try String(contentsOfFile: hook, encoding: .utf8), original)
        let mode = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o750)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(hook).readiness-chained"))
    }

    // MARK: - Stalled servers

    /// A server that accepts and never answers, and one that stalls in the middle of a
    /// transfer, over ssh and over HTTPS: clone, sync and the gate end within their bound with
    /// a clear error; a failed clone leaves nothing; the local ledger is unchanged.
    func testStalledServersAreCutAtTheirBound() throws {
        let ssh = try startSSH()
        let https = try startHTTPS()
        let origin = try box.makeLedger("origin.git")
        let clone = box.path("mine.git")
        try box.readinessOK("clone", origin, clone)
        try box.readinessOK("check", "11.1", "--ledger", clone)
        // Enough incompressible history on the server that a transfer cut after 20,000 bytes is
        // cut in the middle of the pack, for the clone, the sync's fetch and the gate's fetch.
        for section in 2...5 {
            for item in 1...5 {
                let note = (0..<60).map { _ in UUID().uuidString }.joined(separator: " ")
                try box.readinessOK("check", "\(section).\(item)", "--note", note, "--ledger", origin)
            }
        }
        let localHead = try box.git("--git-dir", clone, "rev-parse", "main")
        let originHead = try box.git("--git-dir", origin, "rev-parse", "main")
        let product = box.path("product")
        try box.git("init", "-q", product)

        for (transport, upstream) in [("ssh", ssh.port), ("https", https.port)] {
            for limit in [0, 20_000] {
                let relay = try StallingRelay(box: box, upstream: upstream, limit: limit)
                stops.append(relay.stop)
                if transport == "ssh" { try ssh.trust(port: relay.port) }
                let address = transport == "ssh"
                    ? "ssh://\(ssh.user)@127.0.0.1:\(relay.port)\(origin)" : "https://127.0.0.1:\(relay.port)/git/origin.git"
                let what = "\(transport), stalling after \(limit) bytes"
                if transport == "https" {
                    // The credential store answers by host and port: the relay's port too.
                    try "https://\(https.user):\(https.password)@127.0.0.1:\(relay.port)\n"
                        .write(toFile: box.path("https/credentials"), atomically: true, encoding: .utf8)
                }

                let target = box.path("stalled-\(transport)-\(limit).git")
                var started = Date()
                let cloned = try box.readiness("clone", "--network-timeout", "2", address, target)
                var elapsed = Date().timeIntervalSince(started)
                XCTAssertEqual(cloned.status, 10, "\(what): \(cloned.stdout)\(cloned.stderr)")
                XCTAssertTrue(cloned.stderr.contains("within 2 seconds"), "\(what): \(cloned.stderr)")
                XCTAssertLessThan(elapsed, 8, what)
                XCTAssertFalse(FileManager.default.fileExists(atPath: target), what)
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.root.path).filter { $0.hasPrefix(".readiness-clone") }
                XCTAssertEqual(leftovers, [], what)

                try box.git("--git-dir", clone, "remote", "set-url", "origin", address)
                try box.git("--git-dir", clone, "config", "readiness.networkTimeout", "2")
                started = Date()
                let synced = try box.readiness("sync", "--ledger", clone)
                elapsed = Date().timeIntervalSince(started)
                XCTAssertEqual(synced.status, 10, "\(what): \(synced.stdout)\(synced.stderr)")
                XCTAssertTrue(synced.stderr.contains("within 2 seconds"), "\(what): \(synced.stderr)")
                XCTAssertTrue(synced.stderr.contains("local ledger is unchanged"), "\(what): \(synced.stderr)")
                XCTAssertLessThan(elapsed, 8, what)
                XCTAssertEqual(try box.git("--git-dir", clone, "rev-parse", "main"), localHead, what)
                XCTAssertEqual(try box.git("--git-dir", origin, "rev-parse", "main"), originHead, what)

                started = Date()
                let gate = try box.readiness("gate", "--ledger", address, "--fetch-timeout", "2", in: product)
                elapsed = Date().timeIntervalSince(started)
                XCTAssertEqual(gate.status, 10, "\(what): \(gate.stdout)\(gate.stderr)")
                XCTAssertTrue(gate.stderr.contains("within 2 seconds"), "\(what): \(gate.stderr)")
                XCTAssertLessThan(elapsed, 8, what)
                relay.stop()
            }
        }
        try box.readinessOK("verify", "--full", "--ledger", clone)
    }
}

/// Results written by concurrent workers, one slot each.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [RunResult?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: RunResult?) { lock.withLock { storage[index] = value } }

    var values: [RunResult?] { lock.withLock { storage } }
}
