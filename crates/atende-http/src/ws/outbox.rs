//! A connection's bounded queue of outgoing frames and the task that writes them.
//!
//! Whatever produces frames (routed events, replies) pushes without waiting; when the queue is
//! full the client is not reading fast enough and is dropped (`too_slow`) instead of letting
//! the queue — or the mailbox behind it — grow. A close goes out after what is queued (an error
//! frame explaining it, say), or ahead of it when the queue is full.
//!
//! Frames are [`Utf8Bytes`], so an event frame shared by many connections is queued by
//! reference, not copied. The writer hands every frame already queued to the socket before it
//! flushes, so a burst costs one write, not one per frame.

use super::protocol::Close;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures::{Sink, SinkExt};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How long the writer tries to get the close frame out to a client that does not read.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Frames handed to the socket before one flush.
const BATCH: usize = 64;

/// Why a frame was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The queue is full: the client is too slow.
    Full,
    /// The writer is gone (the socket closed).
    Gone,
}

/// The producing end.
#[derive(Debug)]
pub struct Outbox {
    frames: mpsc::Sender<Out>,
    close: Option<oneshot::Sender<Close>>,
}

/// The writing end: run [`Writer::run`] in its own task.
#[derive(Debug)]
pub struct Writer {
    frames: mpsc::Receiver<Out>,
    close: oneshot::Receiver<Close>,
}

/// What the queue carries.
#[derive(Debug)]
enum Out {
    Text(Utf8Bytes),
    Close(Close),
}

/// A queue of `capacity` frames.
#[must_use]
pub fn bounded(capacity: usize) -> (Outbox, Writer) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let (ctx, crx) = oneshot::channel();
    (
        Outbox {
            frames: tx,
            close: Some(ctx),
        },
        Writer { frames: rx, close: crx },
    )
}

impl Outbox {
    /// Queues a frame without waiting.
    ///
    /// # Errors
    /// [`Refused::Full`] when the client is behind by the whole queue, [`Refused::Gone`] when
    /// the socket is closed.
    pub fn push(&self, frame: impl Into<Utf8Bytes>) -> Result<(), Refused> {
        self.frames.try_send(Out::Text(frame.into())).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Refused::Full,
            mpsc::error::TrySendError::Closed(_) => Refused::Gone,
        })
    }

    /// Asks the writer to send a close frame after the queued frames and stop — or at once,
    /// ahead of them, when the queue is full (the client is not reading them anyway).
    pub fn close(&mut self, why: Close) {
        if self.frames.try_send(Out::Close(why)).is_ok() {
            return;
        }
        if let Some(tx) = self.close.take() {
            let _ = tx.send(why);
        }
    }
}

impl Writer {
    /// Writes queued frames until the outbox is dropped, a close is asked for or the socket
    /// fails.
    pub async fn run<S>(mut self, mut sink: S)
    where
        S: Sink<Message> + Unpin,
    {
        // The urgent close channel ends (sender dropped) whenever the outbox goes away; what
        // is queued is still written then.
        let mut urgent = true;
        loop {
            tokio::select! {
                biased;
                why = &mut self.close, if urgent => {
                    match why {
                        Ok(why) => {
                            send_close(&mut sink, why).await;
                            break;
                        }
                        Err(_) => urgent = false,
                    }
                }
                out = self.frames.recv() => match out {
                    Some(Out::Text(text)) => match self.write_burst(&mut sink, text).await {
                        Ok(None) => {}
                        Ok(Some(why)) => {
                            send_close(&mut sink, why).await;
                            break;
                        }
                        Err(()) => break,
                    },
                    Some(Out::Close(why)) => {
                        send_close(&mut sink, why).await;
                        break;
                    }
                    None => break,
                },
            }
        }
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, sink.close()).await;
    }

    /// Writes `first` and whatever else is queued (up to [`BATCH`] frames), then flushes.
    /// Returns the close met in the queue, if any; `Err` when the socket failed.
    async fn write_burst<S>(&mut self, sink: &mut S, first: Utf8Bytes) -> Result<Option<Close>, ()>
    where
        S: Sink<Message> + Unpin,
    {
        sink.feed(Message::Text(first)).await.map_err(drop)?;
        let mut close = None;
        for _ in 1..BATCH {
            match self.frames.try_recv() {
                Ok(Out::Text(text)) => sink.feed(Message::Text(text)).await.map_err(drop)?,
                Ok(Out::Close(why)) => {
                    close = Some(why);
                    break;
                }
                Err(_) => break,
            }
        }
        sink.flush().await.map_err(drop)?;
        Ok(close)
    }
}

async fn send_close<S>(sink: &mut S, why: Close)
where
    S: Sink<Message> + Unpin,
{
    let frame = CloseFrame {
        code: why.code,
        reason: why.reason.into(),
    };
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use futures::channel::mpsc as fmpsc;

    #[tokio::test]
    async fn a_client_that_does_not_read_fills_the_queue_and_is_refused() {
        // The writer is never run: nothing leaves the queue.
        let (outbox, _writer) = bounded(4);
        for i in 0..4 {
            outbox.push(format!("frame {i}")).unwrap();
        }
        assert_eq!(outbox.push("one too many"), Err(Refused::Full));
    }

    async fn written(mut outbox: Outbox, writer: Writer, why: Close) -> Vec<Message> {
        let (tx, mut rx) = fmpsc::channel::<Message>(64);
        outbox.close(why);
        writer.run(tx.sink_map_err(|_| ())).await;
        assert_eq!(outbox.push("late"), Err(Refused::Gone));
        let mut out = Vec::new();
        while let Some(m) = rx.next().await {
            out.push(m);
        }
        out
    }

    fn is_close(m: &Message, code: u16, reason: &str) -> bool {
        matches!(m, Message::Close(Some(f)) if f.code == code && f.reason == reason)
    }

    #[tokio::test]
    async fn a_close_follows_the_queued_frames() {
        let (outbox, writer) = bounded(4);
        outbox.push("explanation").unwrap();
        let out = written(outbox, writer, Close::INVALID_TOKEN).await;
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0], Message::Text("explanation".into()));
        assert!(is_close(&out[1], 4401, "invalid_token"), "{out:?}");
    }

    #[tokio::test]
    async fn a_slow_clients_close_jumps_the_full_queue() {
        let (outbox, writer) = bounded(2);
        outbox.push("a").unwrap();
        outbox.push("b").unwrap();
        assert_eq!(outbox.push("c"), Err(Refused::Full));
        let out = written(outbox, writer, Close::TOO_SLOW).await;
        assert_eq!(
            out.len(),
            1,
            "queued frames are not sent to a client that is dropped: {out:?}"
        );
        assert!(is_close(&out[0], 4429, "too_slow"), "{out:?}");
    }

    /// A sink that records the text of what it is given, and each flush.
    #[derive(Clone, Default)]
    struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    impl Sink<Message> for Recorder {
        type Error = ();

        fn poll_ready(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), ()>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn start_send(self: std::pin::Pin<&mut Self>, m: Message) -> Result<(), ()> {
            let what = match m {
                Message::Text(t) => t.as_str().to_owned(),
                other => format!("{other:?}"),
            };
            self.0.lock().unwrap().push(what);
            Ok(())
        }

        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), ()>> {
            self.0.lock().unwrap().push("flush".into());
            std::task::Poll::Ready(Ok(()))
        }

        fn poll_close(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), ()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn queued_frames_go_out_in_order_with_one_flush() {
        let (outbox, writer) = bounded(8);
        for f in ["a", "b", "c"] {
            outbox.push(f).unwrap();
        }
        drop(outbox);
        let sink = Recorder::default();
        writer.run(sink.clone()).await;
        assert_eq!(*sink.0.lock().unwrap(), ["a", "b", "c", "flush"]);
    }

    #[tokio::test]
    async fn dropping_the_outbox_ends_the_writer() {
        let (outbox, writer) = bounded(2);
        let (tx, mut rx) = fmpsc::channel::<Message>(4);
        outbox.push("x").unwrap();
        drop(outbox);
        writer.run(tx.sink_map_err(|_| ())).await;
        assert_eq!(rx.next().await, Some(Message::Text("x".into())));
        assert_eq!(rx.next().await, None);
    }
}
