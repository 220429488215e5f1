//! A client that opens connections and sends nothing, or stops halfway
//! through its headers, does not hold them: they are closed after the idle
//! timeout, and a well-behaved request still gets through.

mod support;

use std::time::Duration;

use support::{database_url, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_trickling_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &["--idle-timeout-secs", "1", "--connection-limit", "2"],
    );
    let addr = server.origin.trim_start_matches("http://").to_owned();
    // Two connections: one silent, one with half a request.
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    let mut half = TcpStream::connect(&addr).await.unwrap();
    half.write_all(b"GET /v1 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Both take every slot; both are closed by the server (EOF or reset).
    for (name, stream) in [("silent", &mut silent), ("half", &mut half)] {
        let mut buf = [0u8; 256];
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await;
        let read = read.unwrap_or_else(|_| panic!("the {name} connection is still open"));
        assert!(
            matches!(read, Ok(0) | Err(_))
                || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"),
            "{name}: {read:?} {}",
            String::from_utf8_lossy(&buf)
        );
    }
    // The slots are free again: a request is answered.
    let (status, _) = server.get("/v1", None).await;
    assert_eq!(status, 200);
}

/// A client that trickles its headers a byte at a time, each byte within
/// the idle timeout, is closed all the same once its request has gone
/// unanswered for the request timeout plus the idle time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_trickling_its_headers_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &database_url(&dir),
        &[
            "--idle-timeout-secs",
            "1",
            "--request-timeout-secs",
            "1",
            "--connection-limit",
            "1",
        ],
    );
    let addr = server.origin.trim_start_matches("http://").to_owned();
    let mut trickle = TcpStream::connect(&addr).await.unwrap();
    let request = b"GET /v1 HTTP/1.1\r\nHost: x\r\nX-Padding: "
        .iter()
        .chain([b'a'; 200].iter());
    let started = std::time::Instant::now();
    let mut closed = false;
    for byte in request {
        if trickle.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let mut buf = [0u8; 256];
        match trickle.try_read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            _ => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "still open after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(15));
    // Its slot, the only one, is free again: a request is answered.
    let (status, _) = server.get("/v1", None).await;
    assert_eq!(status, 200);
}
