internal import CLibGit2
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A git configuration: several files layered by priority, read as git reads them.
public final class Config {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        git_config_free(pointer)
    }

    /// The configuration outside any repository (global over system), honouring
    /// `GIT_CONFIG_GLOBAL` and `GIT_CONFIG_NOSYSTEM`.
    public static func global() throws -> Config {
        Library.ensureInitialised()
        var raw: OpaquePointer?
        try check(git_config_open_default(&raw), "cannot read the global git configuration")
        let config = Config(pointer: raw!)
        try config.applyEnvironmentOverrides(repository: nil)
        return config
    }

    /// The string value of `key`, or nil when it is not set at any level.
    public func string(_ key: String) throws -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let status = git_config_get_string_buf(&buffer, pointer, key)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot read configuration value \(key)")
        return String(cString: buffer.ptr)
    }

    /// The boolean value of `key` (git's true/yes/on/1 spellings), or nil when unset.
    public func bool(_ key: String) throws -> Bool? {
        var value: Int32 = 0
        let status = git_config_get_bool(&value, pointer, key)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot read configuration value \(key)")
        return value != 0
    }

    /// Every value of a multi-valued `key`, in file order; empty when unset.
    public func strings(_ key: String) throws -> [String] {
        var values: [String] = []
        var iterator: OpaquePointer?
        let status = git_config_multivar_iterator_new(&iterator, pointer, key, nil)
        if status == GIT_ENOTFOUND.rawValue { return [] }
        try check(status, "cannot read configuration value \(key)")
        defer { git_config_iterator_free(iterator) }
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let next = git_config_next(&entry, iterator)
            if next == GIT_ITEROVER.rawValue { break }
            try check(next, "cannot read configuration value \(key)")
            values.append(String(cString: entry!.pointee.value))
        }
        return values
    }

    /// Sets `key` in the most specific writable file of this configuration
    /// (the repository's own config for a repository's configuration).
    public func set(_ key: String, _ value: String) throws {
        try check(git_config_set_string(pointer, key, value), "cannot set configuration value \(key)")
    }

    /// Removes every value of `key` from the most specific file; no error when it was unset.
    public func remove(_ key: String) throws {
        let status = git_config_delete_multivar(pointer, key, ".*")
        if status == GIT_ENOTFOUND.rawValue { return }
        try check(status, "cannot remove configuration value \(key)")
    }

    /// Replaces the global and system levels as git does when `GIT_CONFIG_GLOBAL` or
    /// `GIT_CONFIG_NOSYSTEM` are set; libgit2 itself only knows `$HOME/.gitconfig`.
    func applyEnvironmentOverrides(repository: Repository?) throws {
        // Two variables, read directly: `ProcessInfo.environment` builds a dictionary of the
        // whole environment on every call (0.4 M instructions, and a gate opens three configs).
        if let global = Self.environmentVariable("GIT_CONFIG_GLOBAL"), !global.isEmpty {
            try replaceLevel(GIT_CONFIG_LEVEL_GLOBAL, with: global, repository: repository)
        }
        if let noSystem = Self.environmentVariable("GIT_CONFIG_NOSYSTEM"), ["1", "true", "yes", "on"].contains(noSystem.lowercased()) {
            try replaceLevel(GIT_CONFIG_LEVEL_SYSTEM, with: "/dev/null", repository: repository)
        }
    }

    private static func environmentVariable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private func replaceLevel(_ level: git_config_level_t, with path: String, repository: Repository?) throws {
        try check(git_config_add_file_ondisk(pointer, path, level, repository?.pointer, 1),
                  "cannot read configuration file \(path)")
    }
}
