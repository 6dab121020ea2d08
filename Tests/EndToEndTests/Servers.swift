import Foundation
import ServerFixtures
import XCTest

/// The sandbox hosts the shared fixture servers (sshd, nginx + http-backend, git daemon: the
/// ServerFixtures target, which the bench uses too): its HOME, key and root.
extension Sandbox: ServerHost {
    var homePath: String { home.path }
    var rootPath: String { root.path }

    func runProgram(_ executable: String, _ arguments: [String]) throws -> ProgramResult {
        let result = try run(executable, arguments)
        return ProgramResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

extension SSHServer {
    /// sshd and an agent for the sandbox; `path` goes first on the server side's PATH.
    convenience init(box: Sandbox, path: [String] = []) throws { try self.init(host: box, path: path) }
}

extension HTTPSServer {
    /// nginx + fcgiwrap + http-backend serving the sandbox's root; `path` goes first on the CGI's PATH.
    convenience init(box: Sandbox, path: [String] = []) throws { try self.init(host: box, path: path) }
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
                            environment: box.environment, log: "\(directory)/relay.log")
        try daemon.waitForFile(portFile)
        guard let port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) else {
            daemon.stop()
            throw SandboxError("the relay wrote no port")
        }
        self.port = port
    }

    func stop() { daemon.stop() }
}
