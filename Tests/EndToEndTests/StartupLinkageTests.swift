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

    /// libssh2 (and OpenSSL's libcrypto with it) is opened only when an ssh:// remote is used
    /// (Sources/CLibGit2Support/libssh2_on_demand.c). Where it cannot be opened, an ssh://
    /// remote is refused with the loader's reason and the package to install, while local and
    /// HTTPS remotes go on working. A broken libssh2.so.1 beside a copy of the binary (its run
    /// path starts with $ORIGIN) stands for a missing one.
    func testAnSSHRemoteWithoutLibssh2NamesWhatIsMissing() throws {
        let box = try Sandbox()
        let folder = box.path("bin")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let binary = folder + "/readiness"
        try FileManager.default.copyItem(atPath: Sandbox.binary, toPath: binary)
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: folder + "/libssh2.so.1"))
        let local = try box.makeLedger("local.git")

        let refused = try box.run(binary, ["push", "--set-remote", "ssh://127.0.0.1:9/nowhere.git", "--ledger", local])
        XCTAssertNotEqual(refused.status, 0, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("ssh:// remotes need libssh2 (Debian: apt-get install libssh2-1)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("libssh2.so.1"), "the loader's reason: \(refused.stderr)")

        let shared = box.path("shared.git")
        try box.git("init", "-q", "--bare", shared)
        let published = try box.run(binary, ["push", "--set-remote", shared, "--ledger", local])
        XCTAssertEqual(published.status, 0, published.stderr)
        XCTAssertEqual(try box.git("--git-dir", shared, "rev-parse", "main"), try box.git("--git-dir", local, "rev-parse", "main"))
    }

    /// The binary has a RELRO segment: after relocation the loader makes the GOT and the
    /// relocated tables read-only, so a memory bug in code that parses remote data cannot
    /// redirect them. GNU ld silently gave none (Package.swift, readinessLinker). The program
    /// headers are read here, not by the linker's own tools, so the check does not trust them.
    func testTheBinaryHasARELROSegment() throws {
        let types = try ELFProgramHeaders.types(of: Sandbox.binary)
        XCTAssertTrue(types.contains(ELFProgramHeaders.load), "not an ELF executable with loadable segments: \(types)")
        XCTAssertTrue(types.contains(ELFProgramHeaders.gnuRelro), "no PT_GNU_RELRO among \(types.map { String($0, radix: 16) })")
    }
}

/// The program-header types of a 64-bit little-endian ELF file (the only kind this project
/// builds), read from the file itself.
enum ELFProgramHeaders {
    static let load: UInt32 = 1
    static let gnuRelro: UInt32 = 0x6474_e552

    static func types(of path: String) throws -> [UInt32] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(1 << 20))
        func integer(_ offset: Int, _ size: Int) throws -> UInt64 {
            guard offset >= 0, offset + size <= bytes.count else { throw ELFError("the header runs past the file's first MB") }
            return bytes[offset..<offset + size].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46, 2, 1]) else { throw ELFError("\(path) is not a 64-bit little-endian ELF file") }
        let tableOffset = Int(try integer(0x20, 8)), entrySize = Int(try integer(0x36, 2)), count = Int(try integer(0x38, 2))
        return try (0..<count).map { UInt32(try integer(tableOffset + $0 * entrySize, 4)) }
    }

    struct ELFError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
