internal import CLibGit2
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a remote asks for when it wants credentials.
public struct CredentialRequest: Sendable {
    /// The URL being contacted.
    public let url: String
    /// The user name in the URL (`git@` of `git@host:path`), if any.
    public let usernameFromURL: String?
    /// True when an SSH key (from ssh-agent) is acceptable.
    public let allowsSSHKey: Bool
    /// True when a user name and password (or token) is acceptable.
    public let allowsUserPassword: Bool
    /// How many times credentials were asked for already in this operation (0 for the first).
    public let attempt: Int
}

/// Credentials for one request.
public enum Credential: Sendable {
    /// Authenticate with the keys ssh-agent holds, as this user.
    case sshAgent(username: String)
    /// Authenticate with a user name and password or token (what `git credential fill` returns).
    case userPassword(username: String, password: String)
}

/// Answers credential requests; nil gives up (the operation then fails with libgit2's error).
public typealias CredentialProvider = @Sendable (CredentialRequest) -> Credential?

/// The outcome of a push of one reference.
public enum PushOutcome: Equatable, Sendable {
    /// The remote reference was updated.
    case updated
    /// The remote refused the update (not a fast-forward, a hook said no, …), with its reason.
    case rejected(String)
}

/// Per-operation state handed to libgit2's C callbacks through their payload pointer.
private final class TransferContext {
    let credentials: CredentialProvider?
    let progress: TransferProgressHandler?
    var attempts = 0
    var rejection: String?
    var providerGaveUp = false

    init(credentials: CredentialProvider?, progress: TransferProgressHandler? = nil) {
        self.credentials = credentials
        self.progress = progress
    }
}

/// libgit2's indexer progress callback (a fetch's or the pack writer's): hands the counts to the
/// context's handler.
private func transferProgressCallback(stats: UnsafePointer<git_indexer_progress>?, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let stats, let payload else { return 0 }
    Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue().progress?(TransferProgress(stats.pointee))
    return 0
}

private func credentialCallback(out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: UnsafePointer<CChar>?,
                                usernameFromURL: UnsafePointer<CChar>?, allowedTypes: UInt32, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let payload else { return GIT_PASSTHROUGH.rawValue }
    let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
    guard let provider = context.credentials else { return GIT_PASSTHROUGH.rawValue }
    let request = CredentialRequest(
        url: url.map { String(cString: $0) } ?? "", usernameFromURL: usernameFromURL.map { String(cString: $0) },
        allowsSSHKey: allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0,
        allowsUserPassword: allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0,
        attempt: context.attempts)
    context.attempts += 1
    // libgit2 asks again after every refused credential; stop rather than loop forever.
    guard context.attempts <= 3, let answer = provider(request) else {
        context.providerGaveUp = true
        return GIT_EUSER.rawValue
    }
    switch answer {
    case let .sshAgent(username):
        return git_credential_ssh_key_from_agent(out, username)
    case let .userPassword(username, password):
        return git_credential_userpass_plaintext_new(out, username, password)
    }
}

private func pushUpdateCallback(reference: UnsafePointer<CChar>?, status: UnsafePointer<CChar>?, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let payload, let status else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
    context.rejection = "\(reference.map { String(cString: $0) } ?? "?"): \(String(cString: status))"
    return 0
}

/// Runs `body` with a `git_strarray` over `values` (the C strings live for the call).
private func withStringArray<T>(_ values: [String], _ body: (inout git_strarray) throws -> T) rethrows -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: values.count)
        return try body(&array)
    }
}

extension Repository {
    /// Fetches `refspecs` (`+refs/heads/main:refs/readiness/fetched`) from `url` (a path,
    /// file://, ssh://, scp-like, https:// or git:// address) without configuring a remote.
    /// Objects land in this repository; only the refspecs' destinations move.
    ///
    /// libgit2 1.5.1 has no network timeouts of its own; with `timeout` (seconds) the whole
    /// operation is cut at that bound (see `NetworkDeadline`) and throws an error whose
    /// `isTimeout` is true. Without it, a server that stops answering blocks the call until the
    /// operating system gives up on the connection. `progress` hears how many objects arrived.
    public func fetch(from url: String, refspecs: [String], credentials: CredentialProvider? = nil,
                      timeout: TimeInterval? = nil, progress: TransferProgressHandler? = nil) throws {
        try Library.prepareNetwork()
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, pointer, url), "cannot use remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "cannot prepare fetch options")
        let context = TransferContext(credentials: credentials, progress: progress)
        let payload = Unmanaged.passUnretained(context).toOpaque()
        options.callbacks.credentials = credentialCallback
        if progress != nil { options.callbacks.transfer_progress = transferProgressCallback }
        options.callbacks.payload = payload
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        do {
            try withExtendedLifetime(context) {
                try withStringArray(refspecs) { array in
                    try bounded(by: timeout, url: url) {
                        try check(git_remote_fetch(remote, &array, &options, "readiness: fetch"), "cannot fetch from \(url)")
                    }
                }
            }
        } catch let error as GitError where context.providerGaveUp {
            throw GitError(code: error.code, errorClass: error.errorClass, message: "cannot fetch from \(url): no credentials were accepted")
        }
    }

    /// Pushes `refspecs` (`refs/heads/main:refs/heads/main`, never forced unless the refspec
    /// says `+`) to `url`. A remote refusing the update (not a fast-forward, a hook) is returned
    /// as `.rejected`; a failed connection throws. `timeout` bounds it as it bounds `fetch`.
    public func push(to url: String, refspecs: [String], credentials: CredentialProvider? = nil,
                     timeout: TimeInterval? = nil) throws -> PushOutcome {
        try Library.prepareNetwork()
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, pointer, url), "cannot use remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "cannot prepare push options")
        let context = TransferContext(credentials: credentials)
        let payload = Unmanaged.passUnretained(context).toOpaque()
        options.callbacks.credentials = credentialCallback
        options.callbacks.push_update_reference = pushUpdateCallback
        options.callbacks.payload = payload
        do {
            try withExtendedLifetime(context) {
                try withStringArray(refspecs) { array in
                    try bounded(by: timeout, url: url) {
                        try check(git_remote_push(remote, &array, &options), "cannot push to \(url)")
                    }
                }
            }
        } catch let error as GitError where error.code == GIT_ENONFASTFORWARD.rawValue {
            return .rejected(error.message)
        } catch let error as GitError where context.providerGaveUp {
            throw GitError(code: error.code, errorClass: error.errorClass, message: "cannot push to \(url): no credentials were accepted")
        }
        if let rejection = context.rejection { return .rejected(rejection) }
        return .updated
    }

    /// Runs the network operation `body` within `timeout` seconds (unbounded when nil). When
    /// the bound cut it, whatever libgit2 reported instead becomes a timeout error.
    private func bounded(by timeout: TimeInterval?, url: String, _ body: () throws -> Void) throws {
        // libgit2 1.5 writes to its sockets with plain send(): a server (or the deadline) closing
        // the connection while a request or a TLS alert is written would kill the process with
        // SIGPIPE instead of failing the call. Ignored from here on, as git itself does: restoring
        // the default afterwards delivered a SIGPIPE left pending by the cut connection.
        _ = signal(SIGPIPE, SIG_IGN)
        guard let timeout else { return try body() }
        let deadline = NetworkDeadline(seconds: timeout)
        var failure: Error?
        do { try body() } catch { failure = error }
        deadline.finish()
        if deadline.fired {
            throw GitError(code: GitError.timeoutCode, errorClass: 0,
                           message: "no complete answer from \(url) within \(Self.seconds(timeout)) seconds; the connection was closed")
        }
        if let failure { throw failure }
    }

    /// `timeout` as a person writes it: `20`, `0.5`.
    static func seconds(_ timeout: TimeInterval) -> String {
        timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
    }

    /// The URL of remote `name`, or nil when it is not configured.
    public func remoteURL(_ name: String) throws -> String? {
        try remotes().first { $0.name == name }?.url
    }

    /// Configures remote `name` with `url` and git's default fetch refspec for it.
    public func addRemote(_ name: String, url: String) throws {
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, pointer, name, url), "cannot add remote \(name)")
        git_remote_free(remote)
    }

}

extension Repository {
    /// Copies into this repository every object reachable from `tip` in `source` that it lacks,
    /// packing them from the source's object database directly: a fetch between repositories on
    /// one file system, without libgit2's local transport (which, in 1.5.1, walks the trees of
    /// every commit both sides share to build a pack, seconds on a 10k-commit ledger).
    ///
    /// Relies on this repository being complete (having a commit implies having its history
    /// and trees). The objects land as one pack whose index is renamed into place last, so an
    /// interrupted copy leaves nothing half-written. Moves no reference. Returns how many
    /// commits were copied. `progress` hears how many objects were written into the pack.
    @discardableResult
    public func copyObjects(reachableFrom tip: ObjectID, in source: Repository, progress: TransferProgressHandler? = nil) throws -> Int {
        var targetODB: OpaquePointer?
        try check(git_repository_odb(&targetODB, pointer), "cannot open the object database of \(gitDirectory)")
        defer { git_odb_free(targetODB) }
        func has(_ id: ObjectID) -> Bool {
            var oid = id.raw
            // Without a refresh: on a miss libgit2 would rescan the pack directory every time (a
            // miss is the common case here), and a pack that appeared meanwhile only costs a copy.
            return git_odb_exists_ext(targetODB, &oid, GIT_ODB_LOOKUP_NO_REFRESH.rawValue) == 1
        }
        // The commits we have where the missing history meets ours.
        var boundary: [ObjectID] = []
        var stack = [tip]
        var seen = Set<ObjectID>()
        while let id = stack.popLast() {
            guard seen.insert(id).inserted else { continue }
            if has(id) {
                boundary.append(id)
                continue
            }
            stack += try source.commit(id).parentIDs
        }
        if has(tip) { return 0 }
        // One pack holding the missing commits with their trees, written by libgit2's pack
        // builder and indexer into this repository's pack directory (atomically: the index is
        // renamed into place last): far fewer files than one loose object each.
        let walk = try RevisionWalk(repository: source, from: [tip], hiding: boundary, order: .topologicalReverse)
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, source.pointer), "cannot start a pack")
        defer { git_packbuilder_free(builder) }
        var copied = 0
        while let id = walk.next() {
            var oid = id.raw
            try check(git_packbuilder_insert_commit(builder, &oid), "cannot add \(id) to a pack")
            copied += 1
        }
        if let failure = walk.failure { throw failure }
        let context = TransferContext(credentials: nil, progress: progress)
        try withExtendedLifetime(context) {
            try check(git_packbuilder_write(builder, "\(gitDirectory)objects/pack", 0, progress == nil ? nil : transferProgressCallback,
                                            Unmanaged.passUnretained(context).toOpaque()), "cannot write the fetched pack")
        }
        return copied
    }
}
