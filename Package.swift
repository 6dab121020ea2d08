// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ReadinessLedger",
    products: [
        .executable(name: "readiness", targets: ["readiness"]),
        .executable(name: "readiness-bench", targets: ["readiness-bench"]),
        .library(name: "Ledger", targets: ["Ledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "Git", dependencies: ["CLibGit2"]),
        .target(
            name: "Ledger",
            dependencies: [
                "Git",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Shipped/produksjons-sjekkliste.md"), .embedInCode("Hook/pre-push")]
        ),
        .target(
            name: "LedgerCommands",
            dependencies: [
                "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "readiness", dependencies: ["LedgerCommands"]),
        .executableTarget(name: "readiness-bench", dependencies: ["Ledger", "Git"]),
        .testTarget(name: "GitTests", dependencies: ["Git"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Git"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "readiness"]),
    ],
    swiftLanguageModes: [.v6]
)
