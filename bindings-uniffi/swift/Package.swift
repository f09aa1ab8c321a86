// swift-tools-version:5.9
// The Swift package of matrix-authz. bindings-uniffi/build.sh assembles it in
// bindings-uniffi/out/swift: the generated MatrixAuthz.swift, MatrixAuthzCore.swift (the core
// crate's enums) and their headers MatrixAuthzFFI.h, MatrixAuthzCoreFFI.h join these files, and
// lib/ holds libmatrix_authz_ffi.so. Link with `-Xlinker -L<lib dir>` (and an rpath or
// LD_LIBRARY_PATH to run), as bindings-uniffi/test.sh does.
import PackageDescription

let package = Package(
    name: "MatrixAuthz",
    products: [
        .library(name: "MatrixAuthz", targets: ["MatrixAuthz"]),
    ],
    targets: [
        // The C interface of the native library (header + module map that links it).
        .systemLibrary(name: "MatrixAuthzFFI", path: "Sources/MatrixAuthzFFI"),
        // The generated Swift API, plus hand-written conveniences (AuthzError+Code.swift).
        .target(name: "MatrixAuthz", dependencies: ["MatrixAuthzFFI"]),
        // The conformance runner (FORMAT.md "Runners"), shared by the executable and the tests.
        .target(name: "MatrixAuthzConformance", dependencies: ["MatrixAuthz"]),
        .executableTarget(name: "matrix-authz-conformance", dependencies: ["MatrixAuthzConformance"]),
        .testTarget(name: "MatrixAuthzTests", dependencies: ["MatrixAuthz", "MatrixAuthzConformance"]),
    ]
)
