//! How many tests passed and failed, read from each tool's own output format:
//! libtest's `test result:` lines, the JUnit XML report of the JUnit Platform
//! console launcher (`--reports-dir`), XCTest's `Test Case '…' passed|failed`
//! lines (SwiftPM writes an xUnit report of XCTest only with `--parallel`), and
//! the vector runners' own `<suite>: N passed, M failed` line.

use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl Counts {
    pub const ONE_PASSED: Counts = Counts { passed: 1, failed: 0 };
    pub const ONE_FAILED: Counts = Counts { passed: 0, failed: 1 };

    pub fn of(ok: bool) -> Counts {
        if ok {
            Counts::ONE_PASSED
        } else {
            Counts::ONE_FAILED
        }
    }

    /// A suite is good when nothing failed and something ran.
    pub fn is_good(self) -> bool {
        self.failed == 0 && self.passed > 0
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// The sum of every `test result: ok. N passed; M failed; ...` line libtest
/// printed (one per test binary), or `None` if there is none.
pub fn libtest(output: &str) -> Option<Counts> {
    let mut total: Option<Counts> = None;
    for line in output.lines() {
        let Some(rest) = line.trim_end().strip_prefix("test result: ") else {
            continue;
        };
        // "ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
        let Some((verdict, fields)) = rest.split_once(". ") else {
            continue;
        };
        if verdict != "ok" && verdict != "FAILED" {
            continue;
        }
        let mut counts = Counts::default();
        let (mut saw_passed, mut saw_failed) = (false, false);
        for field in fields.split("; ") {
            match field.split_once(' ') {
                Some((n, "passed")) => {
                    counts.passed = n.parse().ok()?;
                    saw_passed = true;
                }
                Some((n, "failed")) => {
                    counts.failed = n.parse().ok()?;
                    saw_failed = true;
                }
                _ => {}
            }
        }
        if saw_passed && saw_failed {
            *total.get_or_insert_with(Counts::default) += counts;
        }
    }
    total
}

/// The last `<name>: N passed, M failed` line (the vector runners' summary).
pub fn runner_line(output: &str, name: &str) -> Option<Counts> {
    output.lines().rev().find_map(|line| {
        let rest = line.trim_end().strip_prefix(name)?.strip_prefix(": ")?;
        let (passed, failed) = rest.split_once(", ")?;
        Some(Counts {
            passed: number_before(passed, " passed")?,
            failed: number_before(failed, " failed")?,
        })
    })
}

fn number_before(text: &str, suffix: &str) -> Option<u64> {
    let digits = text.strip_suffix(suffix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Counts XCTest's per-test lines, as it prints them on Linux
/// (`Test Case 'Class.test' passed (0.002 seconds)`) and on macOS
/// (`Test Case '-[Module.Class test]' failed (0.002 seconds).`); `None` when
/// there is none. A test that failed several assertions counts once.
pub fn xctest(output: &str) -> Option<Counts> {
    let mut counts = Counts::default();
    let mut any = false;
    for line in output.lines() {
        let Some(rest) = line.trim_start().strip_prefix("Test Case '") else {
            continue;
        };
        let Some(at) = rest.rfind("' ") else {
            continue;
        };
        let verdict = &rest[at + 2..];
        if verdict.starts_with("passed (") {
            counts.passed += 1;
            any = true;
        } else if verdict.starts_with("failed (") {
            counts.failed += 1;
            any = true;
        }
    }
    any.then_some(counts)
}

/// Counts a JUnit-format XML report: each `<testcase>` passed unless it holds a
/// `<failure>` or an `<error>`; one holding `<skipped>` counts as neither.
/// Reports may be one `<testsuite>` or a `<testsuites>` of several.
pub fn junit_xml(xml: &str) -> Result<Counts, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not an XML test report: {e}"))?;
    let root = doc.root_element();
    if !matches!(root.tag_name().name(), "testsuite" | "testsuites") {
        return Err(format!(
            "not a JUnit test report: the root element is <{}>",
            root.tag_name().name()
        ));
    }
    let mut counts = Counts::default();
    for case in root.descendants().filter(|n| n.has_tag_name("testcase")) {
        let outcome = |name: &str| case.children().any(|c| c.has_tag_name(name));
        if outcome("failure") || outcome("error") {
            counts.failed += 1;
        } else if !outcome("skipped") {
            counts.passed += 1;
        }
    }
    Ok(counts)
}

/// The suites of a run, in the order they are printed.
#[derive(Default, Debug)]
pub struct Summary {
    suites: Vec<(&'static str, Counts)>,
}

impl Summary {
    pub fn add(&mut self, suite: &'static str, counts: Counts) {
        match self.suites.iter_mut().find(|(name, _)| *name == suite) {
            Some((_, total)) => *total += counts,
            None => self.suites.push((suite, counts)),
        }
    }

    pub fn get(&self, suite: &str) -> Counts {
        self.suites
            .iter()
            .find(|(name, _)| *name == suite)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    /// The lines `./dev test` ends with, in the given order.
    pub fn lines(&self, order: &[&'static str]) -> Vec<String> {
        order
            .iter()
            .map(|name| format!("{name}: {}", self.get(name)))
            .collect()
    }

    /// Good when every suite in `order` ran something and nothing failed.
    pub fn all_good(&self, order: &[&'static str]) -> bool {
        order.iter().all(|name| self.get(name).is_good())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBTEST: &str = "\
running 3 tests
test a ... ok
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

running 2 tests
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests offline_push
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn libtest_sums_every_binary() {
        assert_eq!(libtest(LIBTEST), Some(Counts { passed: 4, failed: 1 }));
    }

    #[test]
    fn libtest_without_a_result_line_is_none() {
        assert_eq!(libtest("error[E0425]: cannot find value `x`\n"), None);
        // A line that only looks like one (a test's own output) is not counted.
        assert_eq!(libtest("test result: maybe. 3 passed; 0 failed;\n"), None);
        assert_eq!(libtest("test result: ok. many passed; 0 failed;\n"), None);
    }

    #[test]
    fn runner_line_takes_the_last_exact_line() {
        let out = "rust-vectors: 1 passed, 0 failed\nnoise\nrust-vectors: 271 passed, 6 failed\n";
        assert_eq!(
            runner_line(out, "rust-vectors"),
            Some(Counts {
                passed: 271,
                failed: 6
            })
        );
        assert_eq!(runner_line(out, "swift-vectors"), None);
        assert_eq!(
            runner_line("rust-vectors: 2 passed, x failed\n", "rust-vectors"),
            None
        );
        assert_eq!(
            runner_line("xrust-vectors: 2 passed, 0 failed\n", "rust-vectors"),
            None
        );
        assert_eq!(
            runner_line("rust-vectors: +2 passed, 0 failed\n", "rust-vectors"),
            None
        );
    }

    // As the JUnit Platform console launcher writes it (--reports-dir), trimmed.
    const JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="JUnit Jupiter" tests="4" skipped="1" failures="1" errors="1" time="0.2">
<properties><property name="java.version" value="17"/></properties>
<testcase name="loginWorks()" classname="org.offlinepush.StoreTest" time="0.01"><system-out><![CDATA[
unique-id: [engine:junit-jupiter]
]]></system-out></testcase>
<testcase name="rendersB1()" classname="org.offlinepush.RenderTest" time="0.01"><failure message="expected: &lt;1&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[stack]]></failure></testcase>
<testcase name="throwsV5()" classname="org.offlinepush.RenderTest" time="0.01"><error message="boom" type="java.lang.IllegalStateException"/></testcase>
<testcase name="later()" classname="org.offlinepush.RenderTest" time="0"><skipped/></testcase>
</testsuite>
"#;

    #[test]
    fn xctest_lines_on_linux_and_on_macos() {
        let linux = "\
Test Suite 'RenderTests' started at 2026-12-04 22:03:57.963
Test Case 'RenderTests.testB1' started at 2026-12-04 22:03:57.963
Test Case 'RenderTests.testB1' passed (0.002 seconds)
Test Case 'RenderTests.testD6' started at 2026-12-04 22:03:57.965
/src/RenderTests.swift:40: error: RenderTests.testD6 : XCTAssertEqual failed: (\"1\") is not equal to (\"2\")
/src/RenderTests.swift:41: error: RenderTests.testD6 : XCTAssertTrue failed
Test Case 'RenderTests.testD6' failed (0.004 seconds)
\t Executed 2 tests, with 2 failures (0 unexpected) in 0.006 (0.006) seconds
";
        assert_eq!(xctest(linux), Some(Counts { passed: 1, failed: 1 }));
        let mac = "Test Case '-[OfflinePushTests.RenderTests testB1]' passed (0.002 seconds).\n\
                   Test Case '-[OfflinePushTests.RenderTests test 'quoted']' failed (0.010 seconds).\n";
        assert_eq!(xctest(mac), Some(Counts { passed: 1, failed: 1 }));
        assert_eq!(xctest("error: fatalError\nerror: exit code 1\n"), None);
        assert_eq!(xctest("Test Case 'A.b' started at 2026-12-04\n"), None);
    }

    // As SwiftPM writes it (swift test --xunit-output), trimmed.
    const XUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
    <testsuite name="TestResults" errors="0" tests="3" failures="1" time="0.5">
        <testcase classname="OfflinePushTests.RenderTests" name="testB1" time="0.01">
        </testcase>
        <testcase classname="OfflinePushTests.RenderTests" name="testD6" time="0.01">
            <failure message="XCTAssertEqual failed"></failure>
        </testcase>
        <testcase classname="OfflinePushTests.StoreTests" name="testK8" time="0.2">
        </testcase>
    </testsuite>
</testsuites>
"#;

    #[test]
    fn junit_report_of_the_console_launcher() {
        assert_eq!(junit_xml(JUNIT), Ok(Counts { passed: 1, failed: 2 }));
    }

    #[test]
    fn xunit_report_of_swiftpm() {
        assert_eq!(junit_xml(XUNIT), Ok(Counts { passed: 2, failed: 1 }));
    }

    #[test]
    fn a_report_that_is_not_one_is_an_error() {
        assert!(junit_xml("").is_err());
        assert!(junit_xml("<testsuite><testcase>").is_err());
        assert!(junit_xml("<html/>").unwrap_err().contains("<html>"));
        // A truncated run's empty suite is read, and counts as nothing run.
        assert_eq!(junit_xml("<testsuites/>"), Ok(Counts::default()));
    }

    #[test]
    fn summary_is_good_only_when_each_suite_ran_and_none_failed() {
        let mut s = Summary::default();
        s.add("rust", Counts { passed: 3, failed: 0 });
        s.add("rust", Counts::ONE_PASSED);
        s.add("swift", Counts::default());
        assert_eq!(
            s.lines(&["rust", "swift"]),
            ["rust: 4 passed, 0 failed", "swift: 0 passed, 0 failed"]
        );
        assert!(s.all_good(&["rust"]));
        assert!(!s.all_good(&["rust", "swift"]));
        assert!(!s.all_good(&["kotlin"]));
        s.add("rust", Counts::ONE_FAILED);
        assert!(!s.all_good(&["rust"]));
    }
}
