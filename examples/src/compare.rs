//! `decide --compare`: one request decided under several policies, side by side, with the rows
//! where they differ marked; what an operator checks before switching policies.

use std::fmt::Write as _;

use matrix_authz::json::evaluate;
use serde_json::Value;

use crate::Outcome;
use crate::explain::cell;

/// One policy of the comparison.
pub struct Column {
    /// Its heading: the preset name, the file path, or `inline-N`.
    pub label: String,
    /// The `policy` field of the `request.decide` input.
    pub policy: Value,
}

/// The rows of the table and where each reads its cell in a `request.decide` result.
const ROWS: [(&str, &[&str]); 8] = [
    ("decision", &["decision"]),
    ("status", &["status"]),
    ("errcode", &["errcode"]),
    ("www-authenticate", &["headers", "www-authenticate"]),
    ("body errcode", &["body", "errcode"]),
    ("step", &["step"]),
    ("reason", &["reason"]),
    ("setting", &["setting"]),
];

/// Decides `request` under each column's policy (replacing any `policy` the request names) and
/// renders the table; also gives each refusal, `under POLICY: CODE: message` (its column shows
/// `error CODE`).
pub fn compare(request: &Value, columns: &[Column]) -> (String, Outcome, Vec<String>) {
    let mut refusals = Vec::new();
    let cells: Vec<Vec<String>> = columns
        .iter()
        .map(|column| {
            let mut input = request.clone();
            if let Value::Object(fields) = &mut input {
                fields.insert("policy".into(), column.policy.clone());
            }
            match evaluate("request.decide", &input) {
                Ok(result) => {
                    ROWS.iter().map(|(_, keys)| cell(keys.iter().try_fold(&result, |v, k| v.get(k)))).collect()
                }
                Err(e) => {
                    refusals.push(format!("under {}: {}: {e}", column.label, e.code()));
                    let mut column = vec!["-".to_owned(); ROWS.len()];
                    column[0] = format!("error {}", e.code());
                    column
                }
            }
        })
        .collect();

    let label_width = ROWS.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let widths: Vec<usize> = columns
        .iter()
        .zip(&cells)
        .map(|(column, cells)| cells.iter().map(String::len).chain([column.label.len()]).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let _ = write!(out, "  {:<label_width$}", "");
    for (column, width) in columns.iter().zip(&widths) {
        let _ = write!(out, "  {:<width$}", column.label);
    }
    trim_line(&mut out);
    let mut differ = false;
    for (row, (label, _)) in ROWS.iter().enumerate() {
        let same = cells.windows(2).all(|pair| pair[0][row] == pair[1][row]);
        differ |= !same;
        let _ = write!(out, "{} {label:<label_width$}", if same { ' ' } else { '*' });
        for (column, width) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {:<width$}", column[row]);
        }
        trim_line(&mut out);
    }
    for column in columns.iter().filter(|c| c.policy.is_object()) {
        let _ = writeln!(out, "{}: {}", column.label, column.policy);
    }
    out.push_str(if differ {
        "* marks the rows where the policies answer differently\n"
    } else {
        "the policies agree\n"
    });
    let outcome = match (!refusals.is_empty(), differ) {
        (true, _) => Outcome::Refused,
        (false, true) => Outcome::Differ,
        (false, false) => Outcome::Decided,
    };
    (out, outcome, refusals)
}

/// Ends the line being written, without the padding of its last cell.
fn trim_line(out: &mut String) {
    out.truncate(out.trim_end_matches(' ').len());
    out.push('\n');
}
