internal import CLibGit2

/// A remote as configured in a repository: its name and fetch URL.
public struct RemoteInfo: Equatable, Sendable {
    /// The remote's name (`origin`).
    public let name: String
    /// Its fetch URL exactly as configured (a URL, an scp-like address or a path).
    public let url: String
}

extension Repository {
    /// The directory shared by all worktrees of this repository (the main `.git`, or the bare
    /// repository), with a trailing slash. Equals `gitDirectory` except in a linked worktree.
    public var commonDirectory: String {
        String(cString: git_repository_commondir(pointer))
    }

    /// Every configured remote that has a URL, in the order libgit2 lists them.
    public func remotes() throws -> [RemoteInfo] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer), "cannot list the remotes of \(gitDirectory)")
        defer { git_strarray_dispose(&names) }
        var result: [RemoteInfo] = []
        for index in 0..<names.count {
            let name = String(cString: names.strings[index]!)
            var remote: OpaquePointer?
            try check(git_remote_lookup(&remote, pointer, name), "cannot read remote \(name)")
            defer { git_remote_free(remote) }
            if let url = git_remote_url(remote) {
                result.append(RemoteInfo(name: name, url: String(cString: url)))
            }
        }
        return result
    }
}

extension Config {
    /// Adds one more value to the multi-valued `key` in the most specific file, keeping the
    /// values already there (`git config --add`).
    public func add(_ key: String, _ value: String) throws {
        // A pattern that matches no existing value makes libgit2 append instead of replace.
        try check(git_config_set_multivar(pointer, key, "^$a", value), "cannot add configuration value \(key)")
    }
}
