import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Smart HTTPS: nginx with TLS from a throwaway CA and basic authentication, in front of
/// `git http-backend` through fcgiwrap, serving the host's root under /git/. The host's git
/// config trusts the CA through `http.sslCAInfo` and answers the password through a
/// `git credential` store helper, exactly as a user would set up git.
public final class HTTPSServer {
    /// The port nginx listens on.
    public let port: Int
    /// The basic-authentication account.
    public let user = "kari"
    /// Its password, as the credential helper stores it.
    public let password = "hemmelig-passord"
    private let nginx: Daemon
    private let fcgiwrap: Daemon

    /// Starts fcgiwrap and nginx for `host`; `path` entries go first on the PATH of git
    /// http-backend (and so of its hooks).
    public init(host: ServerHost, path: [String] = []) throws {
        let directory = host.serverPath("https")
        try FileManager.default.createDirectory(atPath: "\(directory)/tmp", withIntermediateDirectories: true)
        @discardableResult func openssl(_ arguments: [String]) throws -> String { try host.runOrThrow("/usr/bin/openssl", arguments) }
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
        let hash = try openssl(["passwd", "-apr1", password]).split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        try "\(user):\(hash)\n".write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)

        let socket = "\(directory)/fcgiwrap.sock"
        var cgiEnvironment = host.environment
        let serverPath = (path + ["/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
        cgiEnvironment["PATH"] = serverPath
        fcgiwrap = try Daemon("fcgiwrap", "/usr/sbin/fcgiwrap", ["-s", "unix:\(socket)"], environment: cgiEnvironment,
                              log: "\(directory)/fcgiwrap.log")
        do {
            try fcgiwrap.waitForSocket(socket)
            (port, nginx) = try Daemon.onFreePort("nginx") { port in
                try """
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
                          fastcgi_param GIT_PROJECT_ROOT \(host.rootPath);
                          fastcgi_param GIT_HTTP_EXPORT_ALL "";
                          fastcgi_param PATH_INFO $1;
                          fastcgi_param REMOTE_USER $remote_user;
                          fastcgi_param PATH \(serverPath);
                        }
                      }
                    }

                    """.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
                return try Daemon("nginx", "/usr/sbin/nginx", ["-c", "\(directory)/nginx.conf", "-p", "\(directory)/"],
                                  environment: host.environment, log: "\(directory)/nginx.log")
            }
        } catch {
            fcgiwrap.stop()
            throw error
        }
        do {
            try host.setGlobalGitConfig("http.sslCAInfo", "\(directory)/ca.crt")
            try host.setGlobalGitConfig("credential.helper", "store --file \(directory)/credentials")
            try "https://\(user):\(password)@127.0.0.1:\(port)\n".write(toFile: "\(directory)/credentials", atomically: true, encoding: .utf8)
        } catch {
            stop()
            throw error
        }
    }

    /// The https:// address of the repository `name` in the host's root.
    public func url(_ name: String) -> String { "https://127.0.0.1:\(port)/git/\(name)" }

    /// Stops nginx and fcgiwrap.
    public func stop() {
        nginx.stop()
        fcgiwrap.stop()
    }
}
