import Foundation
import Git
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// libgit2 1.5 has no timeouts: a fetch or push against a server that accepts the connection
/// and never answers must still end at the bound the caller gives, with a timeout error, and
/// leave the repository's references as they were.
final class NetworkDeadlineTests: XCTestCase {
    private var directory: URL!
    private var listener: Int32 = -1
    private var port = 0

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("git-deadline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A listening socket nobody ever reads from: the kernel completes each connection
        // (backlog), and then nothing is ever said.
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        XCTAssertTrue(ready)
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    override func tearDownWithError() throws {
        close(listener)
        try? FileManager.default.removeItem(at: directory)
    }

    func testFetchAndPushFromASilentServerEndAtTheirBound() throws {
        let repository = try Repository.create(at: directory.appendingPathComponent("repo.git").path, bare: true, initialBranch: "main")
        for url in ["http://127.0.0.1:\(port)/ledger.git", "git://127.0.0.1:\(port)/ledger.git"] {
            var started = Date()
            XCTAssertThrowsError(try repository.fetch(from: url, refspecs: ["+refs/heads/main:refs/remotes/origin/main"], timeout: 1)) { error in
                XCTAssertTrue((error as? GitError)?.isTimeout == true, "\(url): \(error)")
                XCTAssertTrue("\(error)".contains("within 1 seconds"), "\(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, url)
            XCTAssertNil(try repository.referenceTarget("refs/remotes/origin/main"))

            started = Date()
            XCTAssertThrowsError(try repository.push(to: url, refspecs: ["refs/heads/main:refs/heads/main"], timeout: 0.5)) { error in
                XCTAssertTrue((error as? GitError)?.isTimeout == true, "\(url): \(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, url)
        }
    }

    /// A bound that is not reached changes nothing: the operation's own error comes through.
    func testAnOperationThatFailsQuicklyKeepsItsOwnError() throws {
        let repository = try Repository.create(at: directory.appendingPathComponent("repo.git").path, bare: true, initialBranch: "main")
        close(listener)
        listener = -1
        XCTAssertThrowsError(try repository.fetch(from: "git://127.0.0.1:\(port)/ledger.git", refspecs: ["+refs/heads/main:refs/x"], timeout: 30)) { error in
            XCTAssertFalse((error as? GitError)?.isTimeout == true, "\(error)")
        }
    }
}
