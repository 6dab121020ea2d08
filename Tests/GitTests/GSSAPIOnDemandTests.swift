import Foundation
@testable import Git
import XCTest

/// Kerberos's GSSAPI library is opened when libgit2 first needs it (Sources/CLibGit2Support/
/// gssapi_on_demand.c), and every function libgit2 calls is forwarded to it.
final class GSSAPIOnDemandTests: XCTestCase {
    func testEveryFunctionLibgit2CallsIsFoundWhereKerberosIsInstalled() throws {
        let installed = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
            .contains { FileManager.default.fileExists(atPath: "\($0)/libgssapi_krb5.so.2") }
        XCTAssertEqual(Library.gssapiAvailable, installed)
    }
}
