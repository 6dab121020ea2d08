internal import CLibGit2
import FoundationEssentials

/// An open git repository. Owns its libgit2 handle and frees it when released.
///
/// A repository handle is not safe to use from two threads at once (libgit2's rule);
/// open one per thread instead.
public final class Repository {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at `path` (a working tree, a `.git` directory or a bare repository)
    /// without searching parent directories.
    public static func open(at path: String) throws -> Repository {
        Library.ensureInitialised()
        var raw: OpaquePointer?
        try check(git_repository_open_ext(&raw, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
                  "cannot open repository at \(path)")
        return Repository(pointer: raw!)
    }

    /// Finds the repository containing `path`, searching upwards as git does; nil when there is none.
    public static func discover(from path: String) throws -> Repository? {
        Library.ensureInitialised()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let status = git_repository_discover(&buffer, path, 0, nil)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot search for a repository from \(path)")
        return try open(at: String(cString: buffer.ptr))
    }

    /// Creates a new repository at `path` whose HEAD points at `refs/heads/<initialBranch>`.
    /// Fails with `isExisting` when a repository is already there.
    public static func create(at path: String, bare: Bool, initialBranch: String) throws -> Repository {
        Library.ensureInitialised()
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                  "cannot prepare repository options")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        if bare { options.flags |= GIT_REPOSITORY_INIT_BARE.rawValue }
        var raw: OpaquePointer?
        try initialBranch.withCString { head in
            options.initial_head = head
            try check(git_repository_init_ext(&raw, path, &options), "cannot create repository at \(path)")
        }
        return Repository(pointer: raw!)
    }

    /// The git directory (`.git` or the bare repository itself), with a trailing slash.
    public var gitDirectory: String {
        String(cString: git_repository_path(pointer))
    }

    /// The working directory, or nil for a bare repository.
    public var workingDirectory: String? {
        guard let raw = git_repository_workdir(pointer) else { return nil }
        return String(cString: raw)
    }

    /// True for a repository without a working directory.
    public var isBare: Bool {
        git_repository_is_bare(pointer) == 1
    }

    /// The repository's configuration (local over global over system), honouring
    /// `GIT_CONFIG_GLOBAL` and `GIT_CONFIG_NOSYSTEM` as git does.
    public func config() throws -> Config {
        var raw: OpaquePointer?
        try check(git_repository_config(&raw, pointer), "cannot read configuration of \(gitDirectory)")
        let config = Config(pointer: raw!)
        try config.applyEnvironmentOverrides(repository: self)
        return config
    }
}
