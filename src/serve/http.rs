//! A small HTTP/1.1 server over `std::net` for the preview: GET and HEAD of static files,
//! conditional requests, and one event stream. Each connection carries one request
//! (`Connection: close`) and gets a small thread of its own, up to `MAX_CONNECTIONS` at
//! once, so that a client that never finishes its request holds only its own thread (and
//! only until `HEAD_DEADLINE`); the event streams are handed to `reload::Events` so that
//! open tabs hold no thread.

use super::overlay;
use super::path::{Located, Reject, content_type, locate, resolve};
use super::reload::Events;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where the live-reload stream is served. Nothing a site builds can live under `/__evident/`:
/// slugs are `[a-z0-9-]`, so the name cannot collide with a page.
pub const EVENTS_PATH: &str = "/__evident/events";

/// The longest request line accepted (answered 414 beyond); a browser's is well under 2 KiB.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The largest request head accepted (answered 431 beyond); a browser's is well under 8 KiB.
const MAX_HEAD: usize = 16 * 1024;
/// The time a client has to send its whole request head. A browser on the same machine
/// sends it at once; a client that trickles it (or sends nothing) is cut off, whatever
/// pace it keeps, so that it cannot hold a thread for long.
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// A client that takes a response no faster than this gives up its thread.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections handled at once; more are answered 503 at once. Each costs a thread with a
/// small stack, so this bounds the server's memory whatever clients do.
const MAX_CONNECTIONS: usize = 512;
const CONNECTION_STACK: usize = 256 * 1024;

/// What the request threads share with the rebuild loop: the folder being served, the
/// overlay of the last failed rebuild, and the open event streams.
pub struct Live {
    dir: RwLock<PathBuf>,
    overlay: RwLock<Option<String>>,
    pub events: Events,
}

impl Live {
    pub fn new(dir: PathBuf) -> Live {
        Live {
            dir: RwLock::new(dir),
            overlay: RwLock::new(None),
            events: Events::default(),
        }
    }

    pub fn dir(&self) -> PathBuf {
        // A poisoned lock means a request thread panicked mid-read of a path: the value
        // itself is whole, so keep serving it.
        self.dir.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_dir(&self, dir: PathBuf) {
        *self.dir.write().unwrap_or_else(|e| e.into_inner()) = dir;
    }

    pub fn set_overlay(&self, html: Option<String>) {
        *self.overlay.write().unwrap_or_else(|e| e.into_inner()) = html;
    }

    pub fn has_overlay(&self) -> bool {
        self.overlay.read().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    fn overlay(&self) -> Option<String> {
        self.overlay.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Accepts connections on `listener` in a thread of its own and answers each in a thread
/// of its own.
pub fn start(listener: TcpListener, live: Arc<Live>) -> std::io::Result<()> {
    let open = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("evident-accept".into())
        .spawn(move || {
            let mut backoff = AcceptBackoff::default();
            for stream in listener.incoming() {
                let stream = match stream {
                    Ok(stream) => {
                        if let Some(note) = backoff.after_success() {
                            eprintln!("{note}");
                        }
                        stream
                    }
                    Err(error) => {
                        let (pause, note) = backoff.after_error(&error);
                        if let Some(note) = note {
                            eprintln!("{note}");
                        }
                        std::thread::sleep(pause);
                        continue;
                    }
                };
                dispatch(stream, &live, &open);
            }
        })?;
    Ok(())
}

/// Gives `stream` a thread of its own, or answers 503 when `MAX_CONNECTIONS` are open or
/// no thread can be made (the process is out of memory or threads).
fn dispatch(mut stream: TcpStream, live: &Arc<Live>, open: &Arc<AtomicUsize>) {
    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        open.fetch_sub(1, Ordering::SeqCst);
        refuse_busy(&mut stream);
        return;
    }
    let slot = OpenSlot(Arc::clone(open));
    let live = Arc::clone(live);
    let spawned = std::thread::Builder::new()
        .name("evident-http".into())
        .stack_size(CONNECTION_STACK)
        .spawn(move || {
            let _slot = slot;
            handle(stream, &live);
        });
    if let Err(error) = spawned {
        eprintln!("serve: cannot start a thread for a connection ({error})");
    }
}

/// One open connection counted; given back when its thread ends (or was never made).
struct OpenSlot(Arc<AtomicUsize>);

impl Drop for OpenSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn refuse_busy(stream: &mut TcpStream) {
    // Written from the accept thread: it must not wait on this client.
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let mut response = Response::text(503, "too many open connections; try again\n");
    response.headers.push(("Retry-After", "1".into()));
    let _ = response.write_to(stream, false);
}

/// The first pause after an accept failed for want of resources, doubled while it fails.
const FIRST_PAUSE: Duration = Duration::from_millis(10);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

/// What the accept loop does after a failed accept. When the process is out of file
/// descriptors (or memory), the pending connection stays queued and every accept fails at
/// once: retrying at once spins a core. So it waits, longer each time, and says so once per
/// shortage. Any other failure (a client that gave up) concerns that client only.
#[derive(Debug, Default)]
pub struct AcceptBackoff {
    pause: Option<Duration>,
}

impl AcceptBackoff {
    /// How long to wait before the next accept, and a note to print at the first failure.
    pub fn after_error(&mut self, error: &std::io::Error) -> (Duration, Option<String>) {
        if !is_shortage(error) {
            return (Duration::ZERO, None);
        }
        match self.pause {
            Some(pause) => {
                let next = (pause * 2).min(LONGEST_PAUSE);
                self.pause = Some(next);
                (next, None)
            }
            None => {
                self.pause = Some(FIRST_PAUSE);
                let note = format!(
                    "serve: cannot accept connections ({error}); waiting for open connections to close (raise the limit with `ulimit -n`)"
                );
                (FIRST_PAUSE, Some(note))
            }
        }
    }

    /// Forgets a shortage once a connection is accepted again; a note when there was one.
    pub fn after_success(&mut self) -> Option<String> {
        self.pause
            .take()
            .map(|_| "serve: accepting connections again".to_string())
    }
}

/// EMFILE, ENFILE, ENOBUFS, ENOMEM: the process or the system is out of something, and
/// only time (connections closing) brings it back.
fn is_shortage(error: &std::io::Error) -> bool {
    // The same numbers on Linux, macOS and the BSDs; ENOBUFS differs, so only Linux's.
    const ENOMEM: i32 = 12;
    const ENFILE: i32 = 23;
    const EMFILE: i32 = 24;
    const LINUX_ENOBUFS: i32 = 105;
    let code = error.raw_os_error();
    error.kind() == std::io::ErrorKind::OutOfMemory
        || (cfg!(unix) && matches!(code, Some(EMFILE | ENFILE | ENOMEM)))
        || (cfg!(target_os = "linux") && code == Some(LINUX_ENOBUFS))
}

/// One parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// Header names lowercased, in order.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Parses a request head (everything before the blank line).
pub fn parse_request(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':')?;
        if name.is_empty() || name.contains(char::is_whitespace) {
            return None;
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    })
}

/// Why no request head was read.
#[derive(Debug, PartialEq, Eq)]
enum HeadError {
    /// The client closed the connection or it failed: nobody to answer.
    Gone,
    /// The head did not arrive whole within `HEAD_DEADLINE`.
    TimedOut,
    /// The request line is longer than `MAX_REQUEST_LINE`.
    LineTooLong,
    /// The head is larger than `MAX_HEAD`.
    HeadTooLarge,
}

impl HeadError {
    fn response(&self) -> Option<Response> {
        match self {
            HeadError::Gone => None,
            HeadError::TimedOut => Some(Response::text(408, "the request took too long to arrive\n")),
            HeadError::LineTooLong => Some(Response::text(414, "the request line is too long\n")),
            HeadError::HeadTooLarge => Some(Response::text(431, "the request headers are too large\n")),
        }
    }
}

/// Reads up to the end of the request head (the blank line), within `HEAD_DEADLINE` in all.
fn read_head(stream: &mut impl ReadWithTimeout) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::TimedOut);
        }
        stream.set_timeout(left);
        let n = match stream.read(&mut buffer) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(HeadError::TimedOut);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Gone),
        };
        // Only the new bytes (and the three before them) can complete the blank line.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buffer[..n]);
        let end = head[from..].windows(4).position(|w| w == b"\r\n\r\n").map(|i| from + i);
        let line_end = head.windows(2).position(|w| w == b"\r\n").unwrap_or(head.len());
        if line_end > MAX_REQUEST_LINE {
            return Err(HeadError::LineTooLong);
        }
        match end {
            Some(end) if end <= MAX_HEAD => {
                head.truncate(end);
                return Ok(head);
            }
            _ if head.len() > MAX_HEAD => return Err(HeadError::HeadTooLarge),
            _ => {}
        }
    }
}

/// A byte source whose reads can be given a timeout: a `TcpStream`, or a test's script.
trait ReadWithTimeout: Read {
    fn set_timeout(&mut self, timeout: Duration);
}

impl ReadWithTimeout for TcpStream {
    fn set_timeout(&mut self, timeout: Duration) {
        let _ = self.set_read_timeout(Some(timeout));
    }
}

/// Answers a request that was refused before it was read whole, then reads (and drops) a
/// bounded amount of what the client is still sending: closing a socket with unread bytes
/// resets the connection, and the client would lose the answer.
fn refuse_unread(stream: &mut TcpStream, response: &Response) {
    if response.write_to(stream, false).is_err() {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut buffer = [0u8; 8192];
    let mut drained = 0usize;
    while drained < 1024 * 1024 {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

fn handle(mut stream: TcpStream, live: &Live) {
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let head = match read_head(&mut stream) {
        Ok(head) => head,
        Err(error) => {
            if let Some(response) = error.response() {
                refuse_unread(&mut stream, &response);
            }
            return;
        }
    };
    let Some(request) = parse_request(&head) else {
        let _ = Response::text(400, "bad request\n").write_to(&mut stream, false);
        return;
    };
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        let mut response = Response::text(405, "only GET and HEAD are served\n");
        response.headers.push(("Allow", "GET, HEAD".into()));
        let _ = response.write_to(&mut stream, false);
        return;
    }
    if request.target.split('?').next() == Some(EVENTS_PATH) && !head_only {
        // The stream now belongs to the event list; this thread goes back to the pool.
        let _ = stream.set_read_timeout(None);
        live.events.subscribe(stream, page_parameter(&request.target));
        return;
    }
    let response = respond(&request, live);
    let _ = response.write_to(&mut stream, head_only);
    let _ = stream.flush();
}

/// The `page` query parameter of an event-stream request, decoded.
fn page_parameter(target: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    let value = query.split('&').find_map(|pair| pair.strip_prefix("page="))?;
    super::path::percent_decode(value).map(|page| super::reload::normalize_page(&page))
}

/// The response to a GET or HEAD of a file of the site.
fn respond(request: &Request, live: &Live) -> Response {
    let resolved = match resolve(&request.target) {
        Ok(resolved) => resolved,
        Err(Reject::BadRequest) => return Response::text(400, "bad request: the path leaves the site\n"),
    };
    let dir = live.dir();
    let file = match locate(&dir, &resolved) {
        Located::File(file) => file,
        Located::Redirect(location) => {
            let mut response = Response::text(301, "moved\n");
            response.headers.push(("Location", location));
            return response;
        }
        Located::NotFound => return not_found(&dir, live),
    };
    let Ok(body) = std::fs::read(&file) else {
        // Removed between `locate` and now: a rebuild swapped the folder.
        return not_found(&dir, live);
    };
    let kind = content_type(&file);
    let is_html = kind.starts_with("text/html");
    let body = if is_html { inject(body, live) } else { body };
    let mut response = Response::new(200, kind, body);
    let etag = etag(&response.body);
    response.headers.push(("ETag", etag.clone()));
    // HTML is rewritten at serve time (reload script, error overlay), so its modification
    // time says nothing about what is sent: validate it by ETag alone.
    let modified = if is_html { None } else { modified_secs(&file) };
    if let Some(secs) = modified {
        response.headers.push(("Last-Modified", http_date(secs)));
    }
    if not_modified(request, &etag, modified) {
        return Response {
            status: 304,
            headers: response.headers,
            body: Vec::new(),
        };
    }
    response
}

/// The site's own 404 page when it has one (with the overlay), else a plain one.
fn not_found(dir: &Path, live: &Live) -> Response {
    let page = match std::fs::read(dir.join("404.html")) {
        Ok(page) => page,
        Err(_) => b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
<body><h1>Not found</h1><p>Nothing is built at this address.</p></body></html>\n"
            .to_vec(),
    };
    Response::new(404, "text/html; charset=utf-8", inject(page, live))
}

/// Adds the serve-only parts to an HTML page: the reload script, and the overlay while the
/// last rebuild failed.
fn inject(page: Vec<u8>, live: &Live) -> Vec<u8> {
    let mut extra = live.overlay().unwrap_or_default();
    extra.push_str(overlay::RELOAD_SCRIPT);
    overlay::insert_before_body_end(page, &extra)
}

/// True when the client's copy is current (If-None-Match first, as RFC 9110 §13.2.2 orders).
fn not_modified(request: &Request, etag: &str, modified: Option<u64>) -> bool {
    if let Some(tags) = request.header("if-none-match") {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    match (request.header("if-modified-since").and_then(parse_http_date), modified) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

/// A strong validator from the bytes sent (FNV-1a): equal bodies, equal tags, across rebuilds.
fn etag(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in body {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{hash:016x}-{:x}\"", body.len())
}

fn modified_secs(path: &Path) -> Option<u64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(modified.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the epoch as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
pub fn http_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let date = crate::date::Date::from_days_since_epoch(days).to_string();
    let (year, month, day) = (&date[..4], &date[5..7], &date[8..10]);
    let month = month.parse::<usize>().map_or("Jan", |m| MONTHS[(m - 1) % 12]);
    let rest = secs % 86_400;
    format!(
        "{}, {day} {month} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The inverse of `http_date` (the only form HTTP/1.1 senders may produce).
pub fn parse_http_date(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace().skip(1);
    let day: u8 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u8 + 1;
    let year: i32 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = crate::date::Date::new(year, month, day)?.days_since_epoch();
    u64::try_from(days).ok().map(|d| d * 86_400 + h * 3600 + m * 60 + s)
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body.as_bytes().to_vec())
    }

    fn write_to(&self, stream: &mut impl Write, head_only: bool) -> std::io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if self.status != 304 {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        head.push_str(&format!(
            "Date: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            http_date(now)
        ));
        stream.write_all(head.as_bytes())?;
        if !head_only && self.status != 304 {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_browser_request_head() {
        let request =
            parse_request(b"GET /questions/a/ HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nIf-None-Match: \"x\"\r\n").unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/questions/a/");
        assert_eq!(request.header("host"), Some("127.0.0.1:4000"));
        assert_eq!(request.header("if-none-match"), Some("\"x\""));
    }

    #[test]
    fn refuses_malformed_heads() {
        for head in [
            &b""[..],
            b"GET",
            b"GET /",
            b"GET / HTTP/2",
            b"GET  / HTTP/1.1",
            b"GET / HTTP/1.1 extra",
            b"GET / HTTP/1.1\r\nno colon",
            b"GET / HTTP/1.1\r\nBad Name: x",
            b"\xff / HTTP/1.1",
        ] {
            assert_eq!(parse_request(head), None, "{:?}", String::from_utf8_lossy(head));
        }
    }

    /// A client that sends `chunks` one read at a time, then times out.
    struct Script(Vec<Vec<u8>>);

    impl Read for Script {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::ErrorKind::WouldBlock.into());
            }
            let chunk = self.0.remove(0);
            buffer[..chunk.len()].copy_from_slice(&chunk);
            Ok(chunk.len())
        }
    }

    impl ReadWithTimeout for Script {
        fn set_timeout(&mut self, _: Duration) {}
    }

    fn script(chunks: &[&[u8]]) -> Script {
        Script(chunks.iter().map(|c| c.to_vec()).collect())
    }

    #[test]
    fn a_head_is_read_up_to_its_blank_line_across_reads() {
        let mut client = script(&[b"GET / HTTP/1.1\r\nHost: a\r", b"\n\r", b"\nbody"]);
        assert_eq!(read_head(&mut client), Ok(b"GET / HTTP/1.1\r\nHost: a".to_vec()));
    }

    #[test]
    fn heads_that_stop_close_or_grow_too_large_are_refused() {
        assert_eq!(read_head(&mut script(&[b"GET / HT"])), Err(HeadError::TimedOut));
        assert_eq!(read_head(&mut script(&[b"GET / HT", b""])), Err(HeadError::Gone));
        let line = [b'a'; 2048];
        let long: Vec<&[u8]> = std::iter::once(&b"GET /"[..]).chain([&line[..]; 5]).collect();
        assert_eq!(read_head(&mut script(&long)), Err(HeadError::LineTooLong));
        let header = [b"X-A: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"; 1];
        let mut chunks: Vec<&[u8]> = vec![b"GET / HTTP/1.1\r\n"];
        chunks.extend(std::iter::repeat_n(&header[0][..], 300));
        assert_eq!(read_head(&mut script(&chunks)), Err(HeadError::HeadTooLarge));
        assert_eq!(HeadError::LineTooLong.response().map(|r| r.status), Some(414));
        assert_eq!(HeadError::HeadTooLarge.response().map(|r| r.status), Some(431));
        assert_eq!(HeadError::TimedOut.response().map(|r| r.status), Some(408));
        assert!(HeadError::Gone.response().is_none());
    }

    #[test]
    fn event_streams_name_their_page() {
        assert_eq!(page_parameter("/__evident/events"), None);
        assert_eq!(
            page_parameter("/__evident/events?x=1&page=%2Fquestions%2Fa%2F").as_deref(),
            Some("/questions/a/")
        );
        assert_eq!(page_parameter("/__evident/events?page=%2F").as_deref(), Some("/"));
    }

    #[test]
    fn formats_and_parses_http_dates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        for secs in [0, 951_782_400, 1_767_830_400, 1_767_916_799] {
            assert_eq!(parse_http_date(&http_date(secs)), Some(secs));
        }
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 CET"), None);
    }

    fn request_with(headers: &[(&str, &str)]) -> Request {
        Request {
            method: "GET".into(),
            target: "/".into(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn conditional_requests_compare_tags_then_dates() {
        let tag = etag(b"page");
        assert_eq!(tag, etag(b"page"));
        assert_ne!(tag, etag(b"page!"));
        assert!(not_modified(&request_with(&[("if-none-match", &tag)]), &tag, None));
        let listed = format!("\"other\", W/{tag}");
        assert!(not_modified(&request_with(&[("if-none-match", &listed)]), &tag, None));
        assert!(not_modified(&request_with(&[("if-none-match", "*")]), &tag, None));
        assert!(!not_modified(
            &request_with(&[("if-none-match", "\"other\"")]),
            &tag,
            Some(0)
        ));
        let since = [("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")];
        assert!(not_modified(&request_with(&since), &tag, Some(784_111_777)));
        assert!(!not_modified(&request_with(&since), &tag, Some(784_111_778)));
        assert!(!not_modified(&request_with(&since), &tag, None), "HTML has no date");
        assert!(!not_modified(&request_with(&[]), &tag, Some(0)));
    }

    #[test]
    fn head_responses_carry_the_length_but_no_body() {
        let response = Response::new(200, "text/plain", b"hello".to_vec());
        let mut sent = Vec::new();
        response.write_to(&mut sent, true).unwrap();
        let sent = String::from_utf8(sent).unwrap();
        assert!(sent.starts_with("HTTP/1.1 200 OK\r\n"), "{sent}");
        assert!(sent.contains("Content-Length: 5\r\n"));
        assert!(sent.ends_with("\r\n\r\n"), "no body: {sent}");
    }

    #[cfg(unix)]
    #[test]
    fn running_out_of_descriptors_waits_longer_each_time_and_says_so_once() {
        let emfile = std::io::Error::from_raw_os_error(24);
        let mut backoff = AcceptBackoff::default();
        let (first, note) = backoff.after_error(&emfile);
        assert_eq!(first, FIRST_PAUSE);
        assert!(note.is_some_and(|n| n.contains("cannot accept connections")));
        let mut pauses = vec![first];
        for _ in 0..12 {
            let (pause, note) = backoff.after_error(&emfile);
            assert_eq!(note, None, "said once per shortage");
            pauses.push(pause);
        }
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]), "{pauses:?}");
        assert_eq!(*pauses.last().unwrap(), LONGEST_PAUSE);
        assert!(pauses.iter().all(|p| *p >= FIRST_PAUSE), "never a busy loop");

        assert_eq!(
            backoff.after_success().as_deref(),
            Some("serve: accepting connections again")
        );
        assert_eq!(backoff.after_success(), None);
        let (pause, note) = backoff.after_error(&emfile);
        assert_eq!(pause, FIRST_PAUSE, "a new shortage starts short");
        assert!(note.is_some(), "and is said again");
    }

    #[test]
    fn a_client_that_gave_up_is_skipped_at_once() {
        let aborted = std::io::Error::from(std::io::ErrorKind::ConnectionAborted);
        let mut backoff = AcceptBackoff::default();
        assert_eq!(backoff.after_error(&aborted), (Duration::ZERO, None));
        assert_eq!(backoff.after_success(), None);
    }
}
