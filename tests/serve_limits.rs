//! `serve` out of file descriptors: it waits for connections to close instead of spinning a
//! core on accepts that fail at once, says so once, and serves again afterwards.
#![cfg(target_os = "linux")]

mod common;

use common::Site;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Seconds of CPU the process has used, from /proc (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

#[test]
fn out_of_file_descriptors_serve_waits_instead_of_spinning() {
    let site = Site::fixture("serve/site");
    // A child shell lowers its own limit, then becomes the server.
    let mut child = Command::new("bash")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" --root \"$1\" serve --port 0")
        .arg(env!("CARGO_BIN_EXE_evident"))
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start evident serve");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let address = first_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {first_line:?}"))
        .trim_end_matches('/')
        .to_string();

    // More open connections than the server has descriptors: the pool holds some, the rest
    // wait in its queue, and the backlog is left for accepts that fail.
    let held: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&address).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_seconds(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_seconds(child.id()) - before;
    // A spinning accept loop uses about all of a core (1.4 s of 2 in a debug build here).
    assert!(
        used < 0.4,
        "serve used {used:.2} s of CPU in 2 s while out of descriptors"
    );

    drop(held);
    let mut stream = TcpStream::connect(&address).expect("connect again");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response:?}");

    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(
        stderr.matches("serve: cannot accept connections").count(),
        1,
        "said once: {stderr}"
    );
    assert!(stderr.contains("Too many open files"), "{stderr}");
}
