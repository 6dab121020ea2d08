import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An OpenSSH server on 127.0.0.1 with a throwaway host key, accepting the host's own key for
/// the current user, and an ssh-agent holding that key (libgit2's ssh transport takes keys
/// from the agent). Stock git reaches it through `core.sshCommand`; the host key is recorded in
/// the host's known_hosts as after a first `ssh` to the server.
public final class SSHServer {
    /// The port sshd listens on.
    public let port: Int
    /// The account the server lets in: the current user.
    public let user: String
    private let host: ServerHost
    private let daemon: Daemon
    private let agent: Daemon
    private let createdPrivilegeDirectory: Bool
    private let hostKey: String
    private let knownHosts: String

    /// Starts sshd and ssh-agent for `host`; `path` entries are put first on the PATH of
    /// server-side commands (git-receive-pack and its hooks).
    public init(host: ServerHost, path: [String] = []) throws {
        self.host = host
        let directory = host.serverPath("sshd")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        user = ProcessInfo.processInfo.userName
        // Debian's sshd refuses to start without its privilege separation directory, which
        // the package's service normally creates at boot.
        let privilegeDirectory = "/run/sshd"
        createdPrivilegeDirectory = getuid() == 0 && !FileManager.default.fileExists(atPath: privilegeDirectory)
        if createdPrivilegeDirectory {
            try FileManager.default.createDirectory(atPath: privilegeDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        try host.runOrThrow("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "fixture host", "-f", "\(directory)/host_key"])
        try FileManager.default.copyItem(atPath: host.keyPath + ".pub", toPath: "\(directory)/authorized_keys")
        hostKey = try String(contentsOfFile: "\(directory)/host_key.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let sshDirectory = host.homePath + "/.ssh"
        knownHosts = sshDirectory + "/known_hosts"
        try FileManager.default.createDirectory(atPath: sshDirectory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: knownHosts) { _ = FileManager.default.createFile(atPath: knownHosts, contents: nil) }
        let serverPath = (path + ["/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
        let user = self.user
        (port, daemon) = try Daemon.onFreePort("sshd") { port in
            try """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(directory)/host_key
                AuthorizedKeysFile \(directory)/authorized_keys
                PidFile \(directory)/sshd.pid
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                AllowUsers \(user)
                SetEnv PATH=\(serverPath)
                LogLevel VERBOSE

                """.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)
            return try Daemon("sshd", "/usr/sbin/sshd", ["-D", "-e", "-f", "\(directory)/sshd_config"],
                              environment: host.environment, log: "\(directory)/sshd.log")
        }
        let socket = "\(directory)/agent.sock"
        do {
            agent = try Daemon("ssh-agent", "/usr/bin/ssh-agent", ["-D", "-a", socket], environment: host.environment,
                               log: "\(directory)/agent.log")
            try agent.waitForSocket(socket)
        } catch {
            daemon.stop()
            throw error
        }
        host.environment["SSH_AUTH_SOCK"] = socket
        do {
            try host.runOrThrow("/usr/bin/ssh-add", ["-q", host.keyPath])
            // libgit2 checks $HOME/.ssh/known_hosts; stock ssh is pointed at the same file (it
            // would read the passwd entry's home, not the host's).
            try trust(port: port)
            try host.setGlobalGitConfig("core.sshCommand",
                                        "ssh -i \(host.keyPath) -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=\(knownHosts)")
        } catch {
            stop()
            throw error
        }
    }

    /// Records this server's host key for 127.0.0.1:`port` (its own, or a relay's in front of it).
    public func trust(port: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: knownHosts))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("[127.0.0.1]:\(port) \(hostKey)\n".utf8))
    }

    /// The ssh:// address of the repository at `path` (absolute) on this server.
    public func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }

    /// Stops sshd and the agent, and takes the agent out of the host's environment.
    public func stop() {
        daemon.stop()
        agent.stop()
        host.environment["SSH_AUTH_SOCK"] = nil
        if createdPrivilegeDirectory { try? FileManager.default.removeItem(atPath: "/run/sshd") }
    }
}
