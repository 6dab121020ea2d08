import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process spawned directly with posix_spawn, its output appended to a log file,
/// stopped with SIGTERM and waited for. Not Foundation's Process: its child monitor waits,
/// blocking, on any child that closes the descriptors it inherited (as sshd and ssh-agent do),
/// which stalls every later Process of the caller.
public final class Daemon {
    /// The name failure messages use.
    public let name: String
    /// The file the daemon's stdout and stderr go to.
    public let log: String
    private let pid: pid_t
    private var exited = false

    /// Starts `executable` with `arguments` and exactly `environment`.
    public init(_ name: String, _ executable: String, _ arguments: [String], environment: [String: String], log: String) throws {
        self.name = name
        self.log = log
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw FixtureError("\(executable) is missing: install it (.ci/run installs openssh-server, nginx and fcgiwrap)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw FixtureError("cannot start \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// Whether the process has not exited yet (reaping it when it has).
    public var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Sends SIGTERM and waits for the process; does nothing once it has exited.
    public func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exited = true
    }

    /// What the daemon wrote, for failure messages.
    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`, while the daemon runs.
    public func waitForPort(_ port: Int, seconds: Double = 10) throws {
        try wait(seconds: seconds, for: "listen on \(port)") { Daemon.canConnect(port) }
    }

    /// Waits until a file exists at `path`, while the daemon runs.
    public func waitForFile(_ path: String, seconds: Double = 10) throws {
        try wait(seconds: seconds, for: "write \(path)") { FileManager.default.fileExists(atPath: path) }
    }

    /// Waits until the Unix socket at `path` accepts connections, while the daemon runs.
    public func waitForSocket(_ path: String, seconds: Double = 10) throws {
        // The file appears at bind(), before listen(): a client then meets "Connection refused"
        // (ssh-agent under load did), so wait until a connection is accepted.
        try wait(seconds: seconds, for: "accept connections on \(path)") { Self.canConnect(socket: path) }
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    public static func canConnect(socket path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        return connects(family: AF_UNIX, to: address)
    }

    private func wait(seconds: Double, for what: String, _ ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard isRunning else { throw FixtureError("\(name) exited: \(output)") }
            if ready() { return }
            usleep(20_000)
        }
        throw FixtureError("\(name) did not \(what) within \(seconds) s: \(output)")
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func canConnect(_ port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return connects(family: AF_INET, to: address)
    }

    /// Whether a stream socket of `family` connects to `address` (a `sockaddr_in` or `sockaddr_un`).
    private static func connects<Address>(family: Int32, to address: Address) -> Bool {
        let socket = Glibc.socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        return withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<Address>.size)) }
        } == 0
    }

    /// A port nothing listens on right now (the kernel's choice for port 0).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw FixtureError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts a server on a free port, up to five times: another process may take the port
    /// between `freePort()` and the server's bind. `start` writes the configuration for the
    /// port and returns the daemon; it must answer on that port.
    public static func onFreePort(_ name: String, _ start: (Int) throws -> Daemon) throws -> (port: Int, daemon: Daemon) {
        var lastError: Error = FixtureError("\(name) did not start")
        for _ in 0..<5 {
            let port = try freePort()
            let daemon = try start(port)
            do {
                try daemon.waitForPort(port)
                return (port, daemon)
            } catch {
                daemon.stop()
                lastError = error
            }
        }
        throw lastError
    }
}
