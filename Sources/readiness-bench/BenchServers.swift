import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process for the sync benchmark, spawned directly and stopped with SIGTERM.
/// (Not through Foundation's Process: its child monitor blocks for good on a child that closes
/// the descriptors it inherited, as sshd and ssh-agent do.)
final class BenchDaemon {
    private let pid: pid_t

    init(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("\(executable) is missing (apt-get install openssh-server nginx fcgiwrap)")
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
        guard status == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    /// Waits until `ready` holds (a port answers, a socket exists), at most ten seconds.
    func wait(for what: String, _ ready: () -> Bool) throws {
        for _ in 0..<500 {
            if ready() { return }
            usleep(20_000)
        }
        throw BenchError("\(what) did not come up")
    }
}

/// sshd and an ssh-agent holding the world's key, or nginx + fcgiwrap + git http-backend with a
/// throwaway CA and basic auth: configured for `world` as a git user would (core.sshCommand and
/// known_hosts; http.sslCAInfo and a credential helper), serving the world's root.
enum BenchServers {
    /// Starts sshd; returns the address prefix (`ssh://user@127.0.0.1:port`) and a stop function.
    static func ssh(world: BenchWorld) throws -> (prefix: String, stop: () -> Void) {
        let directory = world.path("sshd")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        try world.shell("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", directory + "/host_key")
        try FileManager.default.copyItem(atPath: world.keyPath + ".pub", toPath: directory + "/authorized_keys")
        let port = try freePort()
        let user = ProcessInfo.processInfo.userName
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
            PermitRootLogin prohibit-password
            AllowUsers \(user)

            """.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        let sshd = try BenchDaemon("/usr/sbin/sshd", ["-D", "-e", "-f", directory + "/sshd_config"], environment: world.environment,
                                   log: directory + "/sshd.log")
        try sshd.wait(for: "sshd") { canConnect(port) }
        let socket = directory + "/agent.sock"
        let agent = try BenchDaemon("/usr/bin/ssh-agent", ["-D", "-a", socket], environment: world.environment, log: directory + "/agent.log")
        try agent.wait(for: "ssh-agent") { FileManager.default.fileExists(atPath: socket) }
        world.environment["SSH_AUTH_SOCK"] = socket
        try world.shell("/usr/bin/ssh-add", "-q", world.keyPath)
        let hostKey = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try FileManager.default.createDirectory(atPath: world.path(".ssh"), withIntermediateDirectories: true)
        try "[127.0.0.1]:\(port) \(hostKey)\n".write(toFile: world.path(".ssh/known_hosts"), atomically: true, encoding: .utf8)
        try world.shell("/usr/bin/git", "config", "--global", "core.sshCommand",
                        "ssh -i \(world.keyPath) -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=\(world.path(".ssh/known_hosts"))")
        return ("ssh://\(user)@127.0.0.1:\(port)", {
            sshd.stop()
            agent.stop()
            world.environment["SSH_AUTH_SOCK"] = nil
        })
    }

    /// Starts nginx and fcgiwrap; returns the address prefix (`https://127.0.0.1:port/git`) and a stop function.
    static func https(world: BenchWorld) throws -> (prefix: String, stop: () -> Void) {
        let directory = world.path("https")
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        let d = directory
        try world.shell("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.crt",
                        "-subj", "/CN=Bench CA", "-days", "2")
        try world.shell("/usr/bin/openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr",
                        "-subj", "/CN=127.0.0.1")
        try "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\n".write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        try world.shell("/usr/bin/openssl", "x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.crt", "-CAkey", "\(d)/ca.key",
                        "-CAcreateserial", "-out", "\(d)/server.crt", "-days", "2", "-extfile", "\(d)/server.ext")
        let hash = try world.shell("/usr/bin/openssl", "passwd", "-apr1", "bench").trimmingCharacters(in: .whitespacesAndNewlines)
        try "bench:\(hash)\n".write(toFile: "\(d)/htpasswd", atomically: true, encoding: .utf8)
        let socket = "\(d)/fcgiwrap.sock"
        let fcgiwrap = try BenchDaemon("/usr/sbin/fcgiwrap", ["-s", "unix:\(socket)"], environment: world.environment, log: "\(d)/fcgiwrap.log")
        try fcgiwrap.wait(for: "fcgiwrap") { FileManager.default.fileExists(atPath: socket) }
        let port = try freePort()
        try """
            \(getuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(d)/nginx.pid;
            error_log \(d)/nginx-error.log;
            daemon off;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path \(d)/tmp/body;
              proxy_temp_path \(d)/tmp/proxy;
              fastcgi_temp_path \(d)/tmp/fastcgi;
              uwsgi_temp_path \(d)/tmp/uwsgi;
              scgi_temp_path \(d)/tmp/scgi;
              server {
                listen 127.0.0.1:\(port) ssl;
                ssl_certificate \(d)/server.crt;
                ssl_certificate_key \(d)/server.key;
                client_max_body_size 0;
                location ~ ^/git(/.*)$ {
                  auth_basic "bench";
                  auth_basic_user_file \(d)/htpasswd;
                  include /etc/nginx/fastcgi_params;
                  fastcgi_pass unix:\(socket);
                  fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                  fastcgi_param GIT_PROJECT_ROOT \(world.root.path);
                  fastcgi_param GIT_HTTP_EXPORT_ALL "";
                  fastcgi_param PATH_INFO $1;
                  fastcgi_param REMOTE_USER $remote_user;
                }
              }
            }

            """.write(toFile: "\(d)/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = try BenchDaemon("/usr/sbin/nginx", ["-c", "\(d)/nginx.conf", "-p", "\(d)/"], environment: world.environment, log: "\(d)/nginx.log")
        try nginx.wait(for: "nginx") { canConnect(port) }
        try world.shell("/usr/bin/git", "config", "--global", "http.sslCAInfo", "\(d)/ca.crt")
        try world.shell("/usr/bin/git", "config", "--global", "credential.helper", "store --file \(d)/credentials")
        try "https://bench:bench@127.0.0.1:\(port)\n".write(toFile: "\(d)/credentials", atomically: true, encoding: .utf8)
        return ("https://127.0.0.1:\(port)/git", {
            nginx.stop()
            fcgiwrap.stop()
        })
    }

    private static func canConnect(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
