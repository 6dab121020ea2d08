import XCTest
final class GitTestsPlaceholder: XCTestCase { func testNothing() {} }
