import Foundation
import XCTest

/// What the dynamic loader maps before `main`: libgit2 and its dependencies (mbedTLS too) are linked from
/// static archives, and Kerberos is opened only when libgit2's Negotiate authentication needs
/// it, so neither costs an everyday command its start-up (see Package.swift, linkLibGit2).
final class StartupLinkageTests: XCTestCase {
    func testVersionLoadsNeitherLibgit2NorKerberos() throws {
        let box = try Sandbox()
        let result = try box.readiness("--version", environment: ["LD_DEBUG": "files"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("libc.so.6"), "the loader reported what it mapped: \(result.stderr.prefix(500))")
        for library in ["libgit2.so", "libgssapi_krb5", "libkrb5", "libssh2", "libcrypto.so", "libmbed"] {
            XCTAssertFalse(result.stderr.contains(library), "\(library) is mapped at start-up")
        }
    }

    /// The shipped targets use FoundationEssentials only: Foundation would bring ICU and its
    /// 30 MB of data into the binary, and its conformance records into every start-up. A test
    /// build links the Swift libraries dynamically, so the loader names every one it maps.
    func testNoFoundationOrICUIsLinked() throws {
        let box = try Sandbox()
        let result = try box.readiness("--version", environment: ["LD_DEBUG": "files"])
        XCTAssertEqual(result.status, 0, result.stderr)
        guard result.stderr.contains("libswiftCore.so") else {
            throw XCTSkip("the Swift runtime is linked statically here; the loader cannot tell what it contains")
        }
        XCTAssertTrue(result.stderr.contains("libFoundationEssentials.so"), result.stderr.prefix(500).description)
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so", "libicu"] {
            XCTAssertFalse(result.stderr.contains(library), "\(library) is mapped at start-up")
        }
    }
}
