//! Live reload over server-sent events: every open page keeps one `/__evident/events`
//! stream, naming the page it shows, and each rebuild sends `reload` to the pages it
//! changed — or to all of them when it failed, cleared a failure, or rendered everything.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

/// A stuck tab must not hold up the others: a write that blocks this long drops the tab.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// The open event streams.
#[derive(Default)]
pub struct Events {
    clients: Mutex<Vec<Client>>,
}

struct Client {
    stream: TcpStream,
    /// The path of the page it shows ("/questions/x/"), when it said.
    page: Option<String>,
}

impl Events {
    /// Answers an event-stream request and keeps the connection. The greeting is written
    /// while the list is locked, so a client that has read it is sure to get the next event.
    pub fn subscribe(&self, mut stream: TcpStream, page: Option<String>) {
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let mut clients = self.lock();
        let greeting = "HTTP/1.1 200 OK\r\n\
Content-Type: text/event-stream\r\n\
Cache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\n\
\r\n\
retry: 500\n\
: connected\n\n";
        if write(&mut stream, greeting) {
            clients.push(Client { stream, page });
        }
    }

    /// Tells the pages in `pages` (URL paths; `None`: every page) to reload, forgetting the
    /// streams that have closed. A page that did not say which it is always reloads.
    pub fn reload(&self, pages: Option<&BTreeSet<String>>, data: &str) {
        let message = format_event("reload", data);
        self.lock().retain_mut(|client| {
            let concerned = match (pages, &client.page) {
                (Some(pages), Some(page)) => pages.contains(page),
                _ => true,
            };
            !concerned || write(&mut client.stream, &message)
        });
    }

    /// A comment line: keeps idle connections open through proxies, and finds closed tabs.
    pub fn ping(&self) {
        self.lock().retain_mut(|client| write(&mut client.stream, ": ping\n\n"));
    }

    pub fn count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Client>> {
        // The list stays valid even if a thread panicked while holding it.
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn write(stream: &mut TcpStream, message: &str) -> bool {
    stream
        .write_all(message.as_bytes())
        .and_then(|()| stream.flush())
        .is_ok()
}

/// A page path as a page reports it ("/questions/x/index.html" → "/questions/x/"), as a
/// browser's `location.pathname` shows it.
pub fn normalize_page(path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// One event in the `text/event-stream` format; each line of `data` gets its own field.
pub fn format_event(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_follow_the_event_stream_format() {
        assert_eq!(format_event("reload", "3"), "event: reload\ndata: 3\n\n");
        assert_eq!(format_event("x", "a\nb"), "event: x\ndata: a\ndata: b\n\n");
    }

    /// Reads `tab` until `text` has arrived; everything read. The timeout only ends a
    /// broken run: the test waits for events, never for time to pass.
    fn read_until(tab: &mut TcpStream, text: &str) -> String {
        use std::io::Read;
        tab.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut seen = String::new();
        let mut buffer = [0u8; 512];
        while !seen.contains(text) {
            match tab.read(&mut buffer) {
                Ok(0) | Err(_) => panic!("the stream ended before {text:?}: {seen:?}"),
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            }
        }
        seen
    }

    #[test]
    fn only_the_pages_named_reload() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let events = Events::default();
        let mut tabs = Vec::new();
        for page in [Some("/a/"), Some("/b/"), None] {
            let mut tab = TcpStream::connect(address).unwrap();
            let (server_side, _) = listener.accept().unwrap();
            events.subscribe(server_side, page.map(str::to_string));
            read_until(&mut tab, ": connected\n\n");
            tabs.push(tab);
        }
        let only_a: BTreeSet<String> = ["/a/".to_string()].into();
        events.reload(Some(&only_a), "pages");
        events.reload(None, "all");
        // Events arrive in order on each stream: whatever a tab got before `all` came from
        // the first reload.
        let a = read_until(&mut tabs[0], "data: all\n\n");
        assert!(a.starts_with("event: reload\ndata: pages\n\n"), "the page named: {a:?}");
        let b = read_until(&mut tabs[1], "data: all\n\n");
        assert_eq!(b, "event: reload\ndata: all\n\n", "another page gets only the second");
        let unnamed = read_until(&mut tabs[2], "data: all\n\n");
        assert!(
            unnamed.starts_with("event: reload\ndata: pages\n\n"),
            "a page that did not say: {unnamed:?}"
        );
        assert_eq!(events.count(), 3);
    }

    #[test]
    fn output_files_map_to_the_pages_browsers_show() {
        assert_eq!(normalize_page("/questions/a/index.html"), "/questions/a/");
        assert_eq!(normalize_page("/questions/a/"), "/questions/a/");
        assert_eq!(normalize_page(""), "/");
    }
}
