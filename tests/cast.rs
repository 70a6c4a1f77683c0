//! `adtrace play SCRIPT --cast FILE`: the presentation as an asciicast v2
//! file, read back as the asciinema player reads it.

use serde_json::Value;

mod common;
use common::{adtrace, scratch};

#[test]
fn a_cast_is_asciicast_v2_with_a_marker_per_pause() {
    let dir = scratch("cast");
    let file = dir.join("graph.cast");
    let f = file.to_str().unwrap();
    let out = adtrace()
        .args(["play", "graph", "--cast", f, "--size", "100x30"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let header = &lines[0];
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 100);
    assert_eq!(header["height"], 30);
    let events = &lines[1..];
    let times: Vec<f64> = events.iter().map(|e| e[0].as_f64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "monotonic: {times:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| matches!(e[1].as_str(), Some("o" | "m")))
    );
    // One marker per :pause of the script, labelled with its caption.
    let script = include_str!("../assets/graph.adt");
    let captions: Vec<String> = script
        .lines()
        .filter_map(|l| l.strip_prefix(":pause "))
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect();
    let markers: Vec<&str> = events
        .iter()
        .filter(|e| e[1] == "m")
        .map(|e| e[2].as_str().unwrap())
        .collect();
    assert_eq!(markers, captions);
    // The frames are the view's: the graph example's gradient is on one.
    let frames: Vec<&str> = events
        .iter()
        .filter(|e| e[1] == "o")
        .map(|e| e[2].as_str().unwrap())
        .collect();
    assert!(frames.iter().all(|f| f.starts_with("\u{1b}[H")));
    assert!(
        frames.iter().any(|f| f.contains("5.983")),
        "the gradient shows"
    );

    // An existing file is kept unless --force.
    let again = adtrace()
        .args(["play", "graph", "--cast", f])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = adtrace()
        .args(["play", "graph", "--cast", f, "--force"])
        .output()
        .unwrap();
    assert!(forced.status.success());
}
