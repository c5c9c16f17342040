//! The real `evident serve` for a test: started on a free loopback port (`--port 0`), its
//! address read from the first line it prints, everything it prints on standard error
//! collected by a thread as it comes, and the process killed when the value drops.

use super::Site;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a server may take to print its address: generous, the machine is shared. A
/// passing run never waits for it.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A running `evident serve`, killed on drop.
pub struct Serve {
    child: Child,
    address: SocketAddr,
    /// What the server printed on standard error so far, and a signal each time it prints
    /// more.
    stderr: Arc<(Mutex<String>, Condvar)>,
    reader: Option<JoinHandle<()>>,
}

impl Serve {
    /// `evident --root <site> serve --port 0 EXTRA…`.
    pub fn start(site: &Site, extra: &[&str]) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_evident"));
        command
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(extra);
        Serve::spawn(command)
    }

    /// Starts `command`, which runs `evident serve` (directly, or through a shell that
    /// `exec`s it), and waits for the address it prints. Without colours, and with
    /// `EVIDENT_TRUSTED_KEYS` cleared, so that the caller's environment never decides a test.
    pub fn spawn(mut command: Command) -> Serve {
        let mut child = command
            .env("NO_COLOR", "1")
            .env_remove("EVIDENT_TRUSTED_KEYS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start evident serve");
        let stderr = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let collected = Arc::clone(&stderr);
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let (text, more) = &*collected;
                text.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
                more.notify_all();
            }
        });
        // The first line is read on a thread of its own, so that a server that never
        // prints it fails the test instead of hanging it.
        let out = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(out).read_line(&mut line);
            let _ = sender.send(line);
        });
        let mut serve = Serve {
            child,
            address: "127.0.0.1:1".parse().unwrap(),
            stderr,
            reader: Some(reader),
        };
        let line = receiver
            .recv_timeout(START_TIMEOUT)
            .unwrap_or_else(|_| panic!("serve printed no address; stderr:\n{}", serve.stderr()));
        serve.address = line
            .split_whitespace()
            .find_map(|word| word.strip_prefix("http://"))
            .and_then(|address| address.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}; stderr:\n{}", serve.stderr()));
        assert!(serve.address.ip().is_loopback(), "{}", serve.address);
        serve
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The server's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// What the server printed on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.0.lock().unwrap().clone()
    }

    /// What the server printed on standard error once `done` holds for it, or when
    /// `timeout` has passed: woken each time the server prints, never polling.
    pub fn stderr_when(&self, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let (printed, more) = &*self.stderr;
        let (printed, _) = more
            .wait_timeout_while(printed.lock().unwrap(), timeout, |printed| !done(printed))
            .unwrap();
        printed.clone()
    }

    /// Kills the server and returns all it printed on standard error.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.stderr()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
