import Foundation
import ServerFixtures
import Git
import Ledger

/// `readiness sync` bringing 1,000 new signed sign-offs from a remote into a clone of a
/// 10k-event ledger that has one local sign-off of its own (so a merge is made and pushed),
/// beside `git pull --no-rebase -S && git push` doing the same on a copy. Ours also verifies
/// every fetched commit's signature, trailers and back-links before merging; git checks none.
enum SyncBenchmark {
    static func run(world: BenchWorld, events: Int, incoming: Int, rounds: Int) throws -> [BenchRow] {
        // Every event is a real signed sign-off with its back-link (written in-process with the
        // native signer): the whole history verifies, as sync and the writers require. The
        // ledger starts in the past, one event a second, so nothing is dated in the future.
        let origin = Int64(Date().timeIntervalSince1970) - Int64(events + incoming + 600)
        let base = world.path("sync-base-\(events).git")
        try world.shell(world.readiness, ["init", base], extra: ["GIT_COMMITTER_DATE": "@\(origin) +0000"])
        try recordSignOffs(world: world, ledger: base, count: events, start: origin + 1)
        let start = origin + Int64(events) + 60
        func date(_ offset: Int) -> [String: String] { ["GIT_COMMITTER_DATE": "@\(start + Int64(offset)) +0000"] }
        // The remote after others pushed `incoming` sign-offs: written in-process, signed as the bench user.
        let after = world.path("sync-after.git")
        try world.shell("/bin/cp", "-a", base, after)
        try recordSignOffs(world: world, ledger: after, count: incoming, start: start + 10)
        // Our clone, with one local sign-off on an item the incoming ones do not touch last.
        let local = world.path("sync-local.git")
        try world.shell("/usr/bin/git", "clone", "-q", "--bare", base, local)
        let localStore = try LedgerStore.open(at: local)
        let localState = try localStore.snapshot().record(of: localStore.snapshot().checklist.resolve("11.5")).state
        try world.shell(world.readiness, (localState == .done ? ["uncheck", "11.5", "--reason", "lokal"] : ["check", "11.5", "--note", "lokal"])
            + ["--ledger", local], extra: date(1))
        // git's copy: a working clone with one signed local commit.
        let work = world.path("sync-work")
        try world.shell("/usr/bin/git", "clone", "-q", base, work)
        try Data("{\"local\": true}\n".utf8).write(to: URL(fileURLWithPath: "\(work)/local.json"))
        try world.shell("/usr/bin/git", "-C", work, "add", "local.json")
        try world.shell("/usr/bin/git", "-C", work, "commit", "-q", "-S", "-m", "local", extra: date(1))

        var rows: [BenchRow] = []
        for transport in Transport.allCases {
            rows.append(try measure(world: world, after: after, local: local, work: work, events: events, incoming: incoming,
                                    rounds: rounds, transport: transport, date: date))
        }
        return rows
    }

    /// How the clones reach the remote.
    enum Transport: String, CaseIterable {
        case localPath = "local path", gitDaemon = "git://", ssh = "ssh (sshd)", https = "https (nginx)"
    }

    /// One transport: local paths (our direct object copy), git:// through a `git daemon`, ssh
    /// through sshd, or smart HTTPS through nginx + git http-backend, all on 127.0.0.1 (git's
    /// upload-pack/receive-pack serve both sides alike on the last three).
    private static func measure(world: BenchWorld, after: String, local: String, work: String, events: Int, incoming: Int,
                                rounds: Int, transport: Transport, date: (Int) -> [String: String]) throws -> BenchRow {
        var base = ""
        var stopServer: (() -> Void)?
        defer { stopServer?() }
        switch transport {
        case .ssh:
            let server = try SSHServer(host: world)
            base = server.url(world.root.path + "/")
            stopServer = server.stop
        case .https:
            let server = try HTTPSServer(host: world)
            base = server.url("")
            stopServer = server.stop
        case .gitDaemon:
            let server = try GitDaemon(host: world, basePath: world.root.path)
            base = server.url("")
            stopServer = server.stop
        case .localPath:
            break
        }
        func address(_ path: String) -> String { transport == .localPath ? path : base + URL(fileURLWithPath: path).lastPathComponent }
        var ours: [Double] = [], git: [Double] = []
        for round in 0..<rounds {
            let remote = world.path("sync-remote-\(round).git"), mine = world.path("sync-mine-\(round).git")
            try world.shell("/bin/cp", "-a", after, remote)
            try world.shell("/bin/cp", "-a", local, mine)
            try world.shell("/usr/bin/git", "--git-dir", mine, "remote", "set-url", "origin", address(remote))
            ours.append(try world.timeProcess(world.readiness, ["sync", "--ledger", mine], extra: date(incoming + 20)))

            let gitRemote = world.path("sync-git-remote-\(round).git"), gitWork = world.path("sync-git-work-\(round)")
            try world.shell("/bin/cp", "-a", after, gitRemote)
            try world.shell("/bin/cp", "-a", work, gitWork)
            try world.shell("/usr/bin/git", "-C", gitWork, "remote", "set-url", "origin", address(gitRemote))
            git.append(try world.timeProcess("/usr/bin/git", ["-C", gitWork, "pull", "-q", "--no-rebase", "-S", "--no-edit", "origin", "main"], extra: date(incoming + 20))
                + world.timeProcess("/usr/bin/git", ["-C", gitWork, "push", "-q", "origin", "HEAD:main"]))
            for path in [remote, mine, gitRemote, gitWork] { try? FileManager.default.removeItem(atPath: path) }
        }
        return BenchRow(name: "sync \(incoming) into \(events / 1000)k, \(transport.rawValue), vs git pull+push",
                        ours: median(ours), git: median(git))
    }

    /// Writes `count` signed sign-offs (check or uncheck, by state) into `ledger`, in this process.
    private static func recordSignOffs(world: BenchWorld, ledger: String, count: Int, start: Int64) throws {
        // The ledger API reads git config from this process's environment, as the CLI would.
        for key in ["HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"] { setenv(key, world.environment[key] ?? "", 1) }
        let store = try LedgerStore.open(at: ledger)
        let config = try Repository.open(at: ledger).config()
        let identity = try GitIdentity.load(from: config)
        let signer = try SignerFactory.makeSigner(identity.signing)
        let items = try store.snapshot().checklist.allItems.filter { $0.item.number != "11.5" }
        for index in 0..<count {
            let item = items[index % items.count]
            let state = try store.snapshot().record(of: item).state
            let change: ItemChange = state == .done ? .uncheck(reason: "runde \(index)") : .check(note: "runde \(index)", evidence: [])
            _ = try store.record(change, item: item.fullID, identity: identity, signer: signer,
                                 environment: ["GIT_COMMITTER_DATE": "@\(start + Int64(index)) +0000"])
        }
    }
}
