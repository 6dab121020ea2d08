import Foundation
@testable import Git
import XCTest

/// The deferred CA bundle (Sources/CLibGit2Support/certificate_deferral.c): a network operation
/// can always load it, loading is idempotent, a deferred directory load (mbedTLS's parse_path
/// re-entering parse_file) completes instead of deadlocking, every deferred call is replayed,
/// and the replayed certificates are the ones libgit2 trusts for a real HTTPS fetch.
final class CertificateDeferralTests: XCTestCase {
    /// Set in the child process only; names the fixture directory.
    static let childVariable = "READINESS_DEFERRAL_CHILD"

    func testDeferredCertificatesLoadOnDemand() throws {
        _ = try Repository.discover(from: FileManager.default.temporaryDirectory.path)
        try Library.prepareNetwork()
        XCTAssertFalse(Library.certificatesPending)
        try Library.prepareNetwork()
        XCTAssertFalse(Library.certificatesPending)
    }

    /// Runs `testChildReplaysDeferredLoadsAndFetchesOverTLS` in a child process, so that a
    /// deadlock (the first version of the deferral hung in this very sequence) fails this test
    /// after a timeout instead of hanging the suite, and the child's process-wide certificate
    /// settings cannot leak into other tests.
    func testDeferredDirectoryLoadCompletesAndTrustsItsCertificatesOverTLS() throws {
        let fixture = try TLSFixture()
        defer { fixture.stop() }
        let trustedByFile = try fixture.startServer(certificate: "server-file")
        let trustedByDirectory = try fixture.startServer(certificate: "server-directory")
        let untrusted = try fixture.startServer(certificate: "server-untrusted")
        let outcome = try fixture.runChild(
            test: "GitTests.CertificateDeferralTests/testChildReplaysDeferredLoadsAndFetchesOverTLS",
            environment: [
                Self.childVariable: fixture.root.path,
                "READINESS_URL_FILE": "https://localhost:\(trustedByFile)/source.git",
                "READINESS_URL_DIRECTORY": "https://localhost:\(trustedByDirectory)/source.git",
                "READINESS_URL_UNTRUSTED": "https://localhost:\(untrusted)/source.git",
            ],
            timeout: 60)
        XCTAssertFalse(outcome.timedOut, "the child did not finish within 60 s: the deferred load deadlocked\n\(outcome.output)")
        XCTAssertEqual(outcome.status, 0, "the child failed:\n\(outcome.output)")
        // The child ran the test rather than skipping it or matching nothing.
        XCTAssertTrue(outcome.output.contains("testChildReplaysDeferredLoadsAndFetchesOverTLS' passed"), outcome.output)
    }

    /// The child's half; skipped unless started by the test above.
    func testChildReplaysDeferredLoadsAndFetchesOverTLS() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let root = environment[Self.childVariable] else {
            throw XCTSkip("runs only as the child of testDeferredDirectoryLoadCompletesAndTrustsItsCertificatesOverTLS")
        }
        // Start-up deferred the system bundle; load it so only this test's calls are queued below.
        try Library.prepareNetwork()
        XCTAssertFalse(Library.certificatesPending)
        let before = Library.certificateLoadsReplayed

        // libgit2 parses a file, then a directory, into one chain; both calls are deferred.
        try Library.withCertificatesDeferred {
            try Library.setCertificateLocations(file: root + "/ca-file.pem", directory: root + "/ca-directory")
        }
        XCTAssertTrue(Library.certificatesPending, "the executable does not interpose mbedTLS: nothing was deferred")

        // Replaying parse_path re-enters parse_file for each file in the directory. Several
        // threads ask at once: one replays, the others wait, and none returns before the chain
        // is filled.
        let threads = 8
        let outcomes = Outcomes(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            do {
                try Library.prepareNetwork()
                let replayed = Library.certificateLoadsReplayed - before
                outcomes.record(thread, replayed == 2 && !Library.certificatesPending ? nil : "returned with \(replayed) of 2 calls replayed")
            } catch {
                outcomes.record(thread, "\(error)")
            }
        }
        XCTAssertEqual(outcomes.failures, [], "every thread returned after the replay, without error")
        XCTAssertFalse(Library.certificatesPending)
        XCTAssertEqual(Library.certificateLoadsReplayed - before, 2, "both deferred calls (file, then directory) are replayed, once")

        let clone = root + "/clone-\(UUID().uuidString).git"
        let repository = try Repository.create(at: clone, bare: true, initialBranch: "main")
        let expected = try String(contentsOfFile: root + "/source-head", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for (variable, ref) in [("READINESS_URL_FILE", "refs/remotes/file/main"), ("READINESS_URL_DIRECTORY", "refs/remotes/directory/main")] {
            let url = try XCTUnwrap(environment[variable])
            try repository.fetch(from: url, refspecs: ["+refs/heads/main:\(ref)"])
            XCTAssertEqual(try repository.referenceTarget(ref)?.hex, expected, "fetched \(url)")
        }
        // A server whose CA was never loaded is refused: the checks above were real.
        let untrusted = try XCTUnwrap(environment["READINESS_URL_UNTRUSTED"])
        XCTAssertThrowsError(try repository.fetch(from: untrusted, refspecs: ["+refs/heads/main:refs/remotes/untrusted/main"])) { error in
            XCTAssertTrue("\(error)".lowercased().contains("certificate"), "\(error)")
        }
    }
}

/// What each thread of a concurrent load saw (nil: fine).
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [String?]

    init(count: Int) { results = Array(repeating: "did not run", count: count) }

    func record(_ index: Int, _ failure: String?) {
        lock.withLock { results[index] = failure }
    }

    var failures: [String] { lock.withLock { results.compactMap { $0 } } }
}

/// Certificate authorities, server certificates, a served repository and HTTPS servers
/// (Python's ssl in front of `git http-backend`, git's smart HTTP) on 127.0.0.1, all in one
/// temporary directory.
private final class TLSFixture {
    let root: URL
    private var servers: [Process] = []

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tls-tests-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("ca-directory")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // ca-file signs server-file; ca-directory/ holds the CA of server-directory among others,
        // so parse_path has several files to re-enter parse_file with; nothing trusts server-untrusted.
        for name in ["ca-file", "ca-directory/b-server", "ca-directory/a-extra", "ca-directory/c-extra", "ca-untrusted"] {
            try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                         "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=Readiness test \(name.replacingOccurrences(of: "/", with: " "))",
                                         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        // The CA keys must not sit in the directory mbedTLS parses (they would count as skipped files).
        for name in ["b-server", "a-extra", "c-extra"] {
            try FileManager.default.moveItem(at: directory.appendingPathComponent("\(name).key"), to: root.appendingPathComponent("\(name).key"))
        }
        // A real-sized directory: the system's CA certificates too, so the replay takes long
        // enough for concurrent callers to meet it under way.
        let system = "/etc/ssl/certs"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: system)) ?? [] where name.hasSuffix(".pem") {
            let source = URL(fileURLWithPath: system).appendingPathComponent(name).resolvingSymlinksInPath()
            try? FileManager.default.copyItem(at: source, to: directory.appendingPathComponent("system-\(name)"))
        }
        try "subjectAltName=DNS:localhost\n".write(to: root.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        for (server, ca) in [("server-file", "ca-file"), ("server-directory", "b-server"), ("server-untrusted", "ca-untrusted")] {
            let caPEM = ca == "b-server" ? "ca-directory/b-server.pem" : "\(ca).pem"
            try run("/usr/bin/openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                         "-keyout", "\(server).key", "-out", "\(server).csr", "-subj", "/CN=localhost"])
            try run("/usr/bin/openssl", ["x509", "-req", "-in", "\(server).csr", "-CA", caPEM, "-CAkey", "\(ca).key", "-set_serial", String(Int.random(in: 1_000...999_999_999)),
                                         "-out", "\(server).pem", "-days", "2", "-extfile", "server.ext"])
        }
        // The served repository: one commit, written by stock git.
        let source = root.appendingPathComponent("served/source.git").path
        try run("/usr/bin/git", ["init", "-q", "--bare", "-b", "main", source])
        let tree = try run("/usr/bin/git", ["--git-dir", source, "hash-object", "-w", "-t", "tree", "/dev/null"])
        let commit = try run("/usr/bin/git", ["--git-dir", source, "-c", "user.name=Test", "-c", "user.email=test@example.no",
                                              "commit-tree", tree, "-m", "served over TLS"])
        try run("/usr/bin/git", ["--git-dir", source, "update-ref", "refs/heads/main", commit])
        try (commit + "\n").write(to: root.appendingPathComponent("source-head"), atomically: true, encoding: .utf8)
        try Self.serverScript.write(to: root.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
    }

    /// Starts an HTTPS server presenting `certificate` and returns its port.
    func startServer(certificate: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("server.py").path, root.appendingPathComponent("served").path,
                             root.appendingPathComponent("\(certificate).pem").path, root.appendingPathComponent("\(certificate).key").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        servers.append(process)
        // The server prints its port once it listens.
        let line = String(decoding: output.fileHandleForReading.readLine(), as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureError("the HTTPS server did not start (printed \(line.debugDescription))")
        }
        return port
    }

    /// Runs one test of this bundle in a child process; kills it after `timeout` seconds.
    func runChild(test: String, environment extra: [String: String], timeout: TimeInterval) throws -> (status: Int32, timedOut: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = [test]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let log = root.appendingPathComponent("child-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw FixtureError("cannot create \(log.path)") }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, timedOut, output)
    }

    func stop() {
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// git's smart HTTP through `git http-backend` as a CGI program, over TLS; prints the port.
    private static let serverScript = #"""
    import http.server, os, ssl, subprocess, sys

    root, certificate, key = sys.argv[1], sys.argv[2], sys.argv[3]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *arguments):
            pass

        def do_GET(self):
            self.backend()

        def do_POST(self):
            self.backend()

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def backend(self):
            path, _, query = self.path.partition("?")
            body = self.read_body()
            environment = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
                               REQUEST_METHOD=self.command, PATH_INFO=path, QUERY_STRING=query,
                               CONTENT_TYPE=self.headers.get("Content-Type", ""),
                               CONTENT_LENGTH=str(len(body)), REMOTE_ADDR="127.0.0.1")
            output = subprocess.run(["git", "http-backend"], input=body, env=environment,
                                    stdout=subprocess.PIPE).stdout
            separator = b"\r\n\r\n" if b"\r\n\r\n" in output else b"\n\n"
            head, _, content = output.partition(separator)
            status, headers = 200, []
            for line in head.decode().splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}

private struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private extension FileHandle {
    /// Reads up to the first newline (or the end), a byte at a time, leaving the rest unread.
    func readLine() -> Data {
        var line = Data()
        while let byte = try? read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        return line
    }
}
