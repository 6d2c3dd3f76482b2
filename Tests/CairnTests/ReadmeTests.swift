import Foundation
import Testing

/// The README's examples are `Examples/ProductCache/main.swift`, which the
/// build compiles, and `Examples/redis-py/session.py`, which the interop
/// suite runs; this keeps the page and the files identical.
@Suite struct ReadmeTests {
    @Test func readmeShowsTheCompiledExampleVerbatim() throws {
        let root = URLPath.repositoryRoot()
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let example = try String(contentsOfFile: root + "/Examples/ProductCache/main.swift", encoding: .utf8)
        #expect(readme.contains("```swift\n" + example + "```"))
        #expect(readme.contains("    make test\n"))
        #expect(readme.contains("    make run\n"))
        let python = try String(contentsOfFile: root + "/Examples/redis-py/session.py", encoding: .utf8)
        #expect(readme.contains("```python\n" + python + "```"))
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
