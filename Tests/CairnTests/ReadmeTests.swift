import Foundation
import Testing

/// The README's example is `Examples/ProductCache/main.swift`, which the
/// build compiles; this keeps the page and the file identical.
@Suite struct ReadmeTests {
    @Test func readmeShowsTheCompiledExampleVerbatim() throws {
        let root = URLPath.repositoryRoot()
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let example = try String(contentsOfFile: root + "/Examples/ProductCache/main.swift", encoding: .utf8)
        #expect(readme.contains("```swift\n" + example + "```"))
        #expect(readme.contains("    make test\n"))
    }
}

enum URLPath {
    /// The repository root, found from this source file's path.
    static func repositoryRoot(file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/CairnTests/ReadmeTests.swift
        return parts.joined(separator: "/")
    }
}
