/// `git daemon` serving `basePath` with push enabled on a free port of 127.0.0.1: the git://
/// transport.
public final class GitDaemon {
    /// The port it listens on.
    public let port: Int
    private let daemon: Daemon

    /// Starts the daemon for every repository below `basePath`.
    public init(host: ServerHost, basePath: String) throws {
        let log = host.serverPath("git-daemon.log")
        (port, daemon) = try Daemon.onFreePort("git daemon") { port in
            try Daemon("git daemon", "/usr/bin/git",
                       ["daemon", "--enable=receive-pack", "--base-path=\(basePath)", "--export-all", "--reuseaddr",
                        "--listen=127.0.0.1", "--port=\(port)", basePath],
                       environment: host.environment, log: log)
        }
    }

    /// The git:// address of the repository at `relativePath` below the base path.
    public func url(_ relativePath: String) -> String { "git://127.0.0.1:\(port)/\(relativePath)" }

    /// Stops the daemon.
    public func stop() { daemon.stop() }
}
