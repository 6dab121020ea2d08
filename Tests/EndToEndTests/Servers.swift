import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A daemon started by a test: spawned directly (not through Foundation's Process, whose
/// child monitor waits, blocking, on any child that closes the descriptors it inherited, as
/// sshd and ssh-agent do; that stalls every later Process in the test), output to a log file in
/// the sandbox, stopped with SIGTERM and waited for.
final class Daemon {
    let name: String
    let log: String
    private let pid: pid_t
    private var exited = false

    init(_ name: String, _ executable: String, _ arguments: [String], box: Sandbox, log: String,
         environment: [String: String]? = nil) throws {
        self.name = name
        self.log = log
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw SandboxError("\(executable) is missing: install it (.ci/run installs openssh-server, nginx and fcgiwrap)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? box.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw SandboxError("cannot start \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exited = true
    }

    /// What the daemon wrote, for failure messages.
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`, while the daemon runs.
    func waitForPort(_ port: Int, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard isRunning else { throw SandboxError("\(name) exited: \(output)") }
            if Daemon.canConnect(port) { return }
            usleep(20_000)
        }
        throw SandboxError("\(name) did not listen on \(port) within \(seconds) s: \(output)")
    }

    /// Waits until a Unix socket exists at `path`.
    func waitForSocket(_ path: String, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard isRunning else { throw SandboxError("\(name) exited: \(output)") }
            if FileManager.default.fileExists(atPath: path) { return }
            usleep(20_000)
        }
        throw SandboxError("\(name) made no socket at \(path): \(output)")
    }

    static func canConnect(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port nothing listens on right now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
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
        guard bound else { throw SandboxError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// An OpenSSH server on 127.0.0.1 with a throwaway host key, accepting the sandbox's own key
/// for the current user, and an ssh-agent holding that key (libgit2's ssh transport takes keys
/// from the agent). Stock git in the sandbox reaches it through `core.sshCommand`.
final class SSHServer {
    let port: Int
    let user: String
    private let daemon: Daemon
    private let agent: Daemon
    private let createdPrivilegeDirectory: Bool

    /// Starts sshd and ssh-agent; `path` entries are put first on the PATH of server-side
    /// commands (git-receive-pack and its hooks).
    init(box: Sandbox, path: [String] = []) throws {
        let directory = box.path("sshd")
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
        try box.makeKey(at: "\(directory)/host_key", comment: "test host")
        try FileManager.default.copyItem(atPath: box.keyPath + ".pub", toPath: "\(directory)/authorized_keys")
        hostKey = try String(contentsOfFile: "\(directory)/host_key.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        knownHosts = box.home.appendingPathComponent(".ssh/known_hosts").path
        try FileManager.default.createDirectory(atPath: box.home.appendingPathComponent(".ssh").path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: knownHosts, contents: nil)
        let serverPath = (path + ["/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
        var started: (Int, Daemon)?
        for _ in 0..<5 where started == nil {
            let port = try Daemon.freePort()
            let config = """
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

                """
            try config.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)
            let daemon = try Daemon("sshd", "/usr/sbin/sshd", ["-D", "-e", "-f", "\(directory)/sshd_config"], box: box,
                                    log: "\(directory)/sshd.log")
            do {
                try daemon.waitForPort(port)
                started = (port, daemon)
            } catch {
                daemon.stop()
            }
        }
        guard let (port, daemon) = started else { throw SandboxError("sshd did not start") }
        self.port = port
        self.daemon = daemon
        let socket = "\(directory)/agent.sock"
        do {
            agent = try Daemon("ssh-agent", "/usr/bin/ssh-agent", ["-D", "-a", socket], box: box, log: "\(directory)/agent.log")
            try agent.waitForSocket(socket)
        } catch {
            daemon.stop()
            throw error
        }
        box.environment["SSH_AUTH_SOCK"] = socket
        let added = try box.run("/usr/bin/ssh-add", ["-q", box.keyPath])
        guard added.status == 0 else {
            stop()
            throw SandboxError("ssh-add failed: \(added.stderr)")
        }
        // The host key is known, as after a first `ssh` to the server: libgit2 checks
        // $HOME/.ssh/known_hosts, and stock ssh is pointed at the same file (it would read the
        // passwd entry's home, not the sandbox's).
        try trust(port: port)
        try box.git("config", "--global", "core.sshCommand",
                    "ssh -i \(box.keyPath) -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=\(knownHosts)")
    }

    private let hostKey: String
    private let knownHosts: String

    /// Records this server's host key for 127.0.0.1:`port` (its own, or a relay's in front of it).
    func trust(port: Int) throws {
        let line = "[127.0.0.1]:\(port) \(hostKey)\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: knownHosts))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// The ssh:// address of the repository at `path` (absolute) on this server.
    func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }

    func stop() {
        daemon.stop()
        agent.stop()
        if createdPrivilegeDirectory { try? FileManager.default.removeItem(atPath: "/run/sshd") }
    }
}

/// Smart HTTPS: nginx with TLS from a throwaway CA and basic authentication, in front of
/// `git http-backend` through fcgiwrap, serving the sandbox's root under /git/. The sandbox's
/// git config trusts the CA through `http.sslCAInfo` and answers the password through a
/// `git credential` store helper, exactly as a user would set up git.
final class HTTPSServer {
    let port: Int
    let user = "kari"
    let password = "hemmelig-passord"
    private let nginx: Daemon
    private let fcgiwrap: Daemon

    /// `path` entries go first on the PATH of git http-backend (and so of its hooks).
    init(box: Sandbox, path: [String] = []) throws {
        let directory = box.path("https")
        try FileManager.default.createDirectory(atPath: "\(directory)/tmp", withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            let result = try box.run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw SandboxError("openssl \(arguments.first ?? "") failed: \(result.stderr)") }
        }
        // A CA, and a server certificate it signs for 127.0.0.1 (as an IP address for curl, and
        // as a DNS name for mbedTLS 2, which matches only DNS names).
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/ca.key", "-out", "\(directory)/ca.crt",
                     "-subj", "/CN=Readiness Test CA", "-days", "2"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/server.key", "-out", "\(directory)/server.csr",
                     "-subj", "/CN=127.0.0.1"])
        try "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(directory)/server.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/ca.crt", "-CAkey", "\(directory)/ca.key",
                     "-CAcreateserial", "-out", "\(directory)/server.crt", "-days", "2", "-extfile", "\(directory)/server.ext"])
        let hash = try box.run("/usr/bin/openssl", ["passwd", "-apr1", password]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(user):\(hash)\n".write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)

        let socket = "\(directory)/fcgiwrap.sock"
        var cgiEnvironment = box.environment
        cgiEnvironment["PATH"] = (path + ["/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
        fcgiwrap = try Daemon("fcgiwrap", "/usr/sbin/fcgiwrap", ["-s", "unix:\(socket)"], box: box, log: "\(directory)/fcgiwrap.log",
                              environment: cgiEnvironment)
        do {
            try fcgiwrap.waitForSocket(socket)
        } catch {
            fcgiwrap.stop()
            throw error
        }
        var started: (Int, Daemon)?
        let serverPath = cgiEnvironment["PATH"]!
        for _ in 0..<5 where started == nil {
            let port = try Daemon.freePort()
            let config = """
                \(getuid() == 0 ? "user root;" : "")
                worker_processes 1;
                pid \(directory)/nginx.pid;
                error_log \(directory)/nginx-error.log info;
                daemon off;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path \(directory)/tmp/body;
                  proxy_temp_path \(directory)/tmp/proxy;
                  fastcgi_temp_path \(directory)/tmp/fastcgi;
                  uwsgi_temp_path \(directory)/tmp/uwsgi;
                  scgi_temp_path \(directory)/tmp/scgi;
                  server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(directory)/server.crt;
                    ssl_certificate_key \(directory)/server.key;
                    client_max_body_size 0;
                    location ~ ^/git(/.*)$ {
                      auth_basic "readiness ledger";
                      auth_basic_user_file \(directory)/htpasswd;
                      include /etc/nginx/fastcgi_params;
                      fastcgi_pass unix:\(socket);
                      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                      fastcgi_param GIT_PROJECT_ROOT \(box.root.path);
                      fastcgi_param GIT_HTTP_EXPORT_ALL "";
                      fastcgi_param PATH_INFO $1;
                      fastcgi_param REMOTE_USER $remote_user;
                      fastcgi_param PATH \(serverPath);
                    }
                  }
                }

                """
            try config.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
            let nginx = try Daemon("nginx", "/usr/sbin/nginx", ["-c", "\(directory)/nginx.conf", "-p", "\(directory)/"], box: box,
                                   log: "\(directory)/nginx.log")
            do {
                try nginx.waitForPort(port)
                started = (port, nginx)
            } catch {
                nginx.stop()
            }
        }
        guard let (port, nginx) = started else {
            fcgiwrap.stop()
            throw SandboxError("nginx did not start")
        }
        self.port = port
        self.nginx = nginx
        try box.git("config", "--global", "http.sslCAInfo", "\(directory)/ca.crt")
        try box.git("config", "--global", "credential.helper", "store --file \(directory)/credentials")
        try "https://\(user):\(password)@127.0.0.1:\(port)\n".write(toFile: "\(directory)/credentials", atomically: true, encoding: .utf8)
    }

    /// The https:// address of the repository `name` in the sandbox's root.
    func url(_ name: String) -> String { "https://127.0.0.1:\(port)/git/\(name)" }

    func stop() {
        nginx.stop()
        fcgiwrap.stop()
    }
}

/// A TCP relay in front of a real server that stops relaying after the server has sent
/// `limit` bytes on a connection, and then holds the connection open, saying nothing: a server
/// that stalls in the middle of a transfer (`limit` 0: one that accepts and never answers).
final class StallingRelay {
    let port: Int
    private let daemon: Daemon

    init(box: Sandbox, upstream: Int, limit: Int) throws {
        let script = """
            import socket, sys, threading
            upstream, limit, portfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            held = []
            def pump(source, target, budget):
                sent = 0
                while True:
                    data = source.recv(65536)
                    if not data:
                        return
                    if budget is not None and sent + len(data) > budget:
                        data = data[:budget - sent]
                        target.sendall(data)
                        threading.Event().wait()  # stall: keep both sockets open, relay nothing more
                    target.sendall(data)
                    sent += len(data)
            def serve(client):
                held.append(client)
                if limit == 0:
                    return
                server = socket.create_connection(("127.0.0.1", upstream))
                held.append(server)
                threading.Thread(target=pump, args=(client, server, None), daemon=True).start()
                threading.Thread(target=pump, args=(server, client, limit), daemon=True).start()
            with open(portfile + ".tmp", "w") as out:
                out.write(str(listener.getsockname()[1]))
            import os
            os.rename(portfile + ".tmp", portfile)
            while True:
                client, _ = listener.accept()
                serve(client)

            """
        let directory = box.path("relay-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try script.write(toFile: "\(directory)/relay.py", atomically: true, encoding: .utf8)
        let portFile = "\(directory)/port"
        daemon = try Daemon("stalling relay", "/usr/bin/python3", ["\(directory)/relay.py", String(upstream), String(limit), portFile],
                            box: box, log: "\(directory)/relay.log")
        try daemon.waitForSocket(portFile)
        guard let port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) else {
            daemon.stop()
            throw SandboxError("the relay wrote no port")
        }
        self.port = port
    }

    func stop() { daemon.stop() }
}
