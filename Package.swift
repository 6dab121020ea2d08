// swift-tools-version:6.0
import PackageDescription

/// The executables export CLibGit2Support's two mbedTLS entry points so that libgit2's calls
/// reach them (symbol interposition); see Sources/CLibGit2Support/certificate_deferral.c.
/// Linux only: that is where libgit2 uses mbedTLS, and the flag is GNU ld/gold/lld syntax
/// (Apple's ld64 rejects it). Elsewhere the entry points are simply never called.
let exportCertificateHooks: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file",
                  "-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_path"],
                 .when(platforms: [.linux])),
]

let package = Package(
    name: "ReadinessLedger",
    products: [
        .executable(name: "readiness", targets: ["readiness"]),
        .executable(name: "readiness-bench", targets: ["readiness-bench"]),
        .library(name: "Ledger", targets: ["Ledger"]),
    ],
    dependencies: [
        // 1.6 or later: custom completions are told the word being completed (LedgerCompletion).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Defers libgit2's start-up parse of the CA bundle until a TLS remote needs it.
        .target(name: "CLibGit2Support", dependencies: ["CLibGit2"], linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "Git", dependencies: ["CLibGit2", "CLibGit2Support"]),
        .target(
            name: "Ledger",
            dependencies: [
                "Git",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Shipped/produksjons-sjekkliste.md"), .embedInCode("Shipped/produksjons-sjekkliste.tags"),
                        .embedInCode("Hook/pre-push"), .embedInCode("Hook/pre-receive")]
        ),
        .target(
            name: "LedgerCommands",
            dependencies: [
                "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "readiness", dependencies: ["LedgerCommands"], linkerSettings: exportCertificateHooks),
        .executableTarget(name: "readiness-bench", dependencies: ["Ledger", "Git"], linkerSettings: exportCertificateHooks),
        // Exports the hooks too, so the deferral tests exercise the interposition the executables use.
        .testTarget(name: "GitTests", dependencies: ["Git"], linkerSettings: exportCertificateHooks),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Git"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "readiness"]),
        // The renderers of LedgerCommands (status, gate, history text; JSON; CSV) without the binary.
        .testTarget(name: "LedgerCommandsTests", dependencies: [
            "LedgerCommands", "Ledger",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
