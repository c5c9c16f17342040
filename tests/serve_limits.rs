//! `serve` out of file descriptors: it waits for connections to close instead of spinning a
//! core on accepts that fail at once, says so once, and serves again afterwards.
#![cfg(target_os = "linux")]

mod common;

use common::Site;
use common::serve::Serve;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

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
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" --root \"$1\" serve --port 0")
        .arg(env!("CARGO_BIN_EXE_evident"))
        .arg(site.root());
    let server = Serve::spawn(command);
    let address = server.address();

    // More open connections than the server has descriptors: the pool holds some, the rest
    // wait in its queue, and the backlog is left for accepts that fail.
    let held: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(address).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_seconds(server.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_seconds(server.id()) - before;
    // A spinning accept loop uses about all of a core (1.4 s of 2 in a debug build here).
    assert!(
        used < 0.4,
        "serve used {used:.2} s of CPU in 2 s while out of descriptors"
    );

    drop(held);
    let mut stream = TcpStream::connect(address).expect("connect again");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response:?}");

    let stderr = server.stop();
    assert_eq!(
        stderr.matches("serve: cannot accept connections").count(),
        1,
        "said once: {stderr}"
    );
    assert!(stderr.contains("Too many open files"), "{stderr}");
}

/// A running `evident serve` on the `serve/site` fixture, killed on drop.
struct Server {
    serve: Serve,
    _site: Site,
}

impl Server {
    fn start() -> Server {
        let site = Site::fixture("serve/site");
        Server {
            serve: Serve::start(&site, &[]),
            _site: site,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.serve.address()).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
        stream
    }

    /// Sends `raw` and reads the whole response; its status code.
    fn send(&self, raw: &[u8]) -> (u16, String) {
        let mut stream = self.connect();
        stream.write_all(raw).expect("send");
        read_response(&mut stream)
    }
}

fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

const GET_HOME: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

#[test]
fn clients_that_never_finish_their_request_block_no_one_and_are_cut_off() {
    let server = Server::start();
    // More stalled clients than the old pool had threads (8), half silent, half stopped
    // inside their head.
    let mut stalled: Vec<TcpStream> = (0..40).map(|_| server.connect()).collect();
    for stream in stalled.iter_mut().step_by(2) {
        stream.write_all(b"GET / HTTP/1.1\r\nHost: loc").unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let (status, _) = server.send(GET_HOME);
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a full request waited {:?} behind stalled ones",
        started.elapsed()
    );

    // A client that trickles its head, a byte at a time, is cut off all the same.
    let mut trickle = server.connect();
    let trickled = Instant::now();
    let mut cut = false;
    for byte in b"GET / HTTP/1.1\r\nX-Slow: ".iter().cycle().take(200) {
        if trickle.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if trickled.elapsed() > Duration::from_secs(15) {
            break;
        }
    }
    let (status, _) = read_response(&mut trickle);
    assert_eq!(status, 408, "cut off: {cut}");
    assert!(trickled.elapsed() < Duration::from_secs(15), "{:?}", trickled.elapsed());

    // The stalled ones were answered 408 and closed by then.
    let (status, _) = read_response(&mut stalled[1]);
    assert_eq!(status, 408);
    let (status, _) = read_response(&mut stalled[0]);
    assert_eq!(status, 408);
}

#[test]
fn two_hundred_concurrent_requests_are_all_answered() {
    let server = Server::start();
    let started = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let path = if i % 2 == 0 { "/" } else { "/theme/evident.css" };
                    let raw = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    server.send(raw.as_bytes()).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses.len(), 200);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
}

#[test]
fn oversized_request_lines_and_heads_are_refused_with_414_and_431() {
    let server = Server::start();
    let long_target = format!("/{}", "a".repeat(9 * 1024));
    let (status, _) = server.send(format!("GET {long_target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
    assert_eq!(status, 414);
    // Just under the limit is an ordinary request for a page that does not exist.
    let fitting = format!("/{}", "a".repeat(7 * 1024));
    let (status, _) = server.send(format!("GET {fitting} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
    assert_eq!(status, 404);

    let mut head = String::from("GET / HTTP/1.1\r\nHost: localhost\r\n");
    for i in 0..40 {
        head.push_str(&format!("X-Filler-{i}: {}\r\n", "b".repeat(1024)));
    }
    head.push_str("\r\n");
    let (status, text) = server.send(head.as_bytes());
    assert_eq!(status, 431, "{text}");
    // A head that never ends is refused as soon as it is too large, not when it ends.
    let mut endless = server.connect();
    let filler = format!("X-Filler: {}\r\n", "c".repeat(1000));
    let mut refused_early = false;
    endless.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    for _ in 0..64 {
        if endless.write_all(filler.as_bytes()).is_err() {
            refused_early = true;
            break;
        }
    }
    let (status, _) = read_response(&mut endless);
    assert_eq!(status, 431, "refused early: {refused_early}");
}

#[test]
fn methods_other_than_get_and_head_get_405() {
    let server = Server::start();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"] {
        let (status, text) =
            server.send(format!("{method} / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n").as_bytes());
        assert_eq!(status, 405, "{method}: {text}");
        assert!(text.contains("\r\nAllow: GET, HEAD\r\n"), "{method}: {text}");
    }
    assert_eq!(server.send(b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n").0, 200);
}
