//! `plaza-tally`: count a ranked-choice case from the command line.

use std::io::{Read, Write};
use std::process::ExitCode;

use plaza_tally::{compare, parse_case, CorpusReport, ErrorKind, TallyError};

const USAGE: &str = "\
plaza-tally: count a ranked-choice election written in the RCTab conformance case format

USAGE:
    plaza-tally CASE.json            print the result as JSON, in the shape of the case's \"expected\"
    plaza-tally --check CASE.json    compare the result with the case's \"expected\" and list differences
    plaza-tally --explain CASE.json  print the full result: every round's decisions, reasons and transfers
    plaza-tally --help               print this help

CASE.json may be - to read standard input. Any \"expected\" field is ignored when counting.

EXIT STATUS:
    0  counted (with --check: the result equals \"expected\")
    1  with --check: the result differs from \"expected\" (each difference is printed)
    2  invalid input: unreadable file, malformed JSON, unknown candidate, ranking beyond the
       maximum, invalid rule combination, ... (one line on standard error)
    3  valid input the rules cannot finish on their own (e.g. a tie that needs an operator)
";

enum Mode {
    Print,
    Check,
    Explain,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, path) = match args.as_slice() {
        [flag] if flag == "--help" || flag == "-h" => {
            return emit(USAGE.trim_end(), ExitCode::SUCCESS);
        }
        [flag, path] if flag == "--check" => (Mode::Check, path),
        [flag, path] if flag == "--explain" => (Mode::Explain, path),
        [path] if !path.starts_with("--") || path == "-" => (Mode::Print, path),
        _ => {
            eprintln!("plaza-tally: error: expected one case file (see plaza-tally --help)");
            return ExitCode::from(2);
        }
    };
    let text = match read(path) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("plaza-tally: error: cannot read {path}: {message}");
            return ExitCode::from(2);
        }
    };
    match mode {
        Mode::Print => print_result(&text, false),
        Mode::Explain => print_result(&text, true),
        Mode::Check => check(&text),
    }
}

fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }
}

fn fail(error: &TallyError) -> ExitCode {
    eprintln!("plaza-tally: error: {error}");
    match error.kind() {
        ErrorKind::InvalidInput => ExitCode::from(2),
        ErrorKind::CannotComplete => ExitCode::from(3),
    }
}

fn print_result(text: &str, explain: bool) -> ExitCode {
    let tabulation = match parse_case(text).and_then(|case| case.election.tabulate()) {
        Ok(t) => t,
        Err(error) => return fail(&error),
    };
    let json = if explain {
        serde_json::to_string_pretty(&tabulation)
    } else {
        serde_json::to_string_pretty(&CorpusReport(&tabulation))
    };
    match json {
        Ok(json) => emit(&json, ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("plaza-tally: error: cannot write the result: {e}");
            ExitCode::from(3)
        }
    }
}

/// The case's `expected` only; everything else is skipped without being stored.
#[derive(serde::Deserialize)]
struct ExpectedOnly {
    expected: Option<serde_json::Value>,
}

fn check(text: &str) -> ExitCode {
    let expected = match serde_json::from_str::<ExpectedOnly>(text) {
        Ok(ExpectedOnly {
            expected: Some(expected),
        }) => expected,
        Ok(_) => {
            eprintln!("plaza-tally: error: the case has no \"expected\" result to check against");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("plaza-tally: error: malformed input: {e}");
            return ExitCode::from(2);
        }
    };
    let got = parse_case(text)
        .and_then(|case| case.election.tabulate())
        .and_then(|t| {
            serde_json::to_value(CorpusReport(&t)).map_err(|e| TallyError::MalformedInput {
                message: e.to_string(),
            })
        });
    if let Err(error) = &got {
        // An error that the case does not expect is still reported as a difference below.
        if expected.get("error").is_none() && error.kind() == ErrorKind::InvalidInput {
            return fail(error);
        }
    }
    let differences = compare(&expected, &got);
    if differences.is_empty() {
        let message = match &got {
            Ok(_) => "ok: the result equals the expected result".to_owned(),
            Err(error) => format!("ok: failed as expected ({})", error.code()),
        };
        return emit(&message, ExitCode::SUCCESS);
    }
    let mut report = format!("{} difference(s):", differences.len());
    for difference in &differences {
        report.push_str(&format!("\n  {difference}"));
    }
    emit(&report, ExitCode::from(1))
}

/// Prints `text` and a newline; a closed pipe (e.g. `| head`) is not an error worth a panic.
fn emit(text: &str, status: ExitCode) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(e) => {
            eprintln!("plaza-tally: error: cannot write the result: {e}");
            ExitCode::from(3)
        }
    }
}
