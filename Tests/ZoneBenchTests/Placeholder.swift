import Testing
@Test func placeholderBench() { #expect(Bool(true)) }
