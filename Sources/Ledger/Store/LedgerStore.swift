import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ledger repository opened for reading and writing. The branch head is the only state;
/// everything else is derived from the commits it reaches.
public final class LedgerStore {
    /// The underlying repository; only the Ledger module reaches through it.
    let repository: Repository
    /// The full name of the ledger branch (`refs/heads/main`).
    public let branch: String
    /// The path the ledger was opened from, as given.
    public let path: String
    /// Set when the head's settings name a format newer than this tool: whether that is a real
    /// upgrade or a forgery is for the verifier to say (`LedgerSession` asks it).
    public internal(set) var headFormatError: LedgerError?
    /// The last snapshot read, kept by its commit: a command's parts (the report, the people
    /// directory, the policy) then decode one commit's definition once, not once each. A
    /// snapshot reads one immutable commit, so handing the same one out again is safe.
    private var lastSnapshot: LedgerSnapshot?
    /// The event index last loaded or built, by its head: a command that resolves a revision
    /// through it and then looks events up (`status --as-of`) reads the file once. The head is
    /// compared on every use, so a moved branch is never answered from it.
    var loadedEventIndex: EventIndex?

    init(repository: Repository, branch: String, path: String) {
        self.repository = repository
        self.branch = branch
        self.path = path
    }

    /// Opens the ledger at `path`, checking that it is one and that its format is readable.
    public static func open(at path: String) throws -> LedgerStore {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory else {
            throw LedgerError(.notALedger, "no ledger at \(path): no such directory",
                              hint: "create one with `readiness init \(path)` or pass --ledger PATH")
        }
        let repository: Repository
        do {
            repository = try Repository.open(at: path)
        } catch let error as GitError {
            throw LedgerError(.notALedger, "\(path) is not a git repository (\(error.message))",
                              hint: "create a ledger with `readiness init \(path)`")
        }
        // A bare ledger (a server's, a clone, a mirror) is read on `main` whatever its HEAD says:
        // a server made with `git init --bare` points HEAD at `master`, and clone, pull, push, the
        // gate and the hooks must all read the same branch. A working repository is read on the
        // branch checked out there (someone inspecting a merge on a side branch), else `main`.
        let main = "refs/heads/\(LedgerLayout.defaultBranch)"
        let head = try repository.headBranch()
        let branch: String
        if repository.isBare {
            branch = try repository.referenceTarget(main) != nil ? main : (head ?? main)
        } else if let head, try repository.referenceTarget(head) != nil {
            branch = head
        } else {
            branch = main
        }
        let store = LedgerStore(repository: repository, branch: branch, path: path)
        guard try repository.referenceTarget(branch) != nil else {
            throw LedgerError(.notALedger, "\(path) has no commits on \(branch)",
                              hint: "it is not a readiness ledger; create one with `readiness init`")
        }
        // Only the settings are checked here (format version, ledger-ness); the definition is read
        // when a command needs it, so opening stays cheap.
        let commit = try repository.commit(store.head())
        guard let settings = try repository.file(atPath: LedgerLayout.settingsPath, inTree: commit.treeID) else {
            throw LedgerError(.notALedger, "\(path) has no \(LedgerLayout.settingsPath) on \(branch)",
                              hint: "it is not a readiness ledger; create one with `readiness init`")
        }
        do {
            _ = try LedgerSettings.decode(settings)
        } catch let error as LedgerError where error.kind == .unsupportedFormat {
            store.headFormatError = error
        }
        return store
    }

    /// The commit the ledger branch points at.
    public func head() throws -> ObjectID {
        guard let head = try repository.referenceTarget(branch) else {
            throw LedgerError(.notALedger, "\(path) has no commits on \(branch)")
        }
        return head
    }

    /// The ledger as of `commit`, or as of the head (the last one read is reused).
    public func snapshot(at commit: ObjectID? = nil) throws -> LedgerSnapshot {
        let id = try commit ?? head()
        if let last = lastSnapshot, last.commit.id == id { return last }
        let snapshot = try LedgerSnapshot(repository: repository, commitID: id)
        lastSnapshot = snapshot
        return snapshot
    }

    /// The definition decoded from `blob` by the last snapshot read, if that is the blob it
    /// read: a writer's verifier then judges the new commit against its parent's definition
    /// without decoding checklist.json a second time (6 % of a sign-off). Keyed by the blob id,
    /// which names the content (libgit2 checks each blob's hash as it reads it), so a snapshot
    /// of any other definition never answers.
    func decodedChecklist(inBlob blob: ObjectID) -> Checklist? {
        guard let last = lastSnapshot, last.checklistBlob == blob else { return nil }
        return last.checklist
    }

    /// The commit a revision names (an id, a prefix, `HEAD~2`, a branch), as git resolves it.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        guard let commit = try repository.resolveCommit(revision) else {
            throw LedgerError(.invalidInput, "'\(revision)' names no commit of \(path)",
                              hint: "give a commit id, a unique prefix of one, or a revision such as HEAD~1")
        }
        return commit
    }

    /// The path of the derived-data file `name` (see `DerivedFile`), its folder created on demand.
    func cacheFile(_ name: String) throws -> String {
        try cacheFolderPath() + "/" + name
    }

    /// The folder for derived data, made with one mkdir: building URLs and asking FileManager
    /// for it cost a sign-off more than reading the files in it.
    private func cacheFolderPath() throws -> String {
        let path = repository.gitDirectory + LedgerLayout.cacheFolder
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw LedgerError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))",
                              hint: "check the permissions of the ledger's git directory")
        }
        return path
    }
}
