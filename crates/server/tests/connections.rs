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
