import Foundation
@testable import Git
import XCTest

/// libgit2's TLS and SSH set-up (Sources/CLibGit2Support/network_deferral.c): start-up skips
/// it, and `prepareNetwork` runs it. Whether start-up skipped it shows only in a fresh process,
/// so the parent runs the child half as its own XCTest process.
final class NetworkDeferralTests: XCTestCase {
    /// Set in the child process only.
    static let childVariable = "READINESS_NETWORK_DEFERRAL_CHILD"

    func testStartUpSkipsNetworkSetUpUntilPrepared() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["GitTests.NetworkDeferralTests/testChildSeesNetworkSetUpSkippedThenRun"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: "1"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "the child failed:\n\(text)")
        // The child ran the test rather than skipping it or matching nothing.
        XCTAssertTrue(text.contains("testChildSeesNetworkSetUpSkippedThenRun' passed"), text)
    }

    /// The child's half; skipped unless started by the test above.
    func testChildSeesNetworkSetUpSkippedThenRun() throws {
        guard ProcessInfo.processInfo.environment[Self.childVariable] != nil else {
            throw XCTSkip("runs only as the child of testStartUpSkipsNetworkSetUpUntilPrepared")
        }
        _ = try Repository.discover(from: FileManager.default.temporaryDirectory.path)
        XCTAssertTrue(Library.networkPending, "git_libgit2_init set up TLS and SSH at start-up")
        // Trusting other certificates needs the TLS set-up: it runs first, and SSH still waits.
        // (The system bundle: libgit2 fills the configuration only after a file parsed.)
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle), "no system CA bundle (ca-certificates) at \(bundle)")
        try Library.withCertificatesDeferred { try Library.setCertificateLocations(file: bundle, directory: nil) }
        XCTAssertTrue(Library.networkPending, "SSH was set up with TLS")
        try Library.prepareNetwork()
        XCTAssertFalse(Library.networkPending)
        try Library.prepareNetwork()
        XCTAssertFalse(Library.networkPending)
    }
}
