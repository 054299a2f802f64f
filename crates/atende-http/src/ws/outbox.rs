//! A connection's bounded queue of outgoing frames and the task that writes them.
//!
//! Whatever produces frames (bus events, replies) pushes without waiting; when the queue is
//! full the client is not reading fast enough and is dropped (`too_slow`) instead of letting
//! the queue — or the bus subscription behind it — grow. A close goes out after what is queued
//! (an error frame explaining it, say), or ahead of it when the queue is full.

use super::protocol::Close;
use axum::extract::ws::{CloseFrame, Message};
use futures::{Sink, SinkExt};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How long the writer tries to get the close frame out to a client that does not read.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

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
    Text(String),
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
    pub fn push(&self, frame: String) -> Result<(), Refused> {
        self.frames.try_send(Out::Text(frame)).map_err(|e| match e {
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
                    Some(Out::Text(text)) => {
                        if sink.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
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
        assert_eq!(outbox.push("one too many".into()), Err(Refused::Full));
    }

    async fn written(mut outbox: Outbox, writer: Writer, why: Close) -> Vec<Message> {
        let (tx, mut rx) = fmpsc::channel::<Message>(64);
        outbox.close(why);
        writer.run(tx.sink_map_err(|_| ())).await;
        assert_eq!(outbox.push("late".into()), Err(Refused::Gone));
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
        outbox.push("explanation".into()).unwrap();
        let out = written(outbox, writer, Close::INVALID_TOKEN).await;
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0], Message::Text("explanation".into()));
        assert!(is_close(&out[1], 4401, "invalid_token"), "{out:?}");
    }

    #[tokio::test]
    async fn a_slow_clients_close_jumps_the_full_queue() {
        let (outbox, writer) = bounded(2);
        outbox.push("a".into()).unwrap();
        outbox.push("b".into()).unwrap();
        assert_eq!(outbox.push("c".into()), Err(Refused::Full));
        let out = written(outbox, writer, Close::TOO_SLOW).await;
        assert_eq!(
            out.len(),
            1,
            "queued frames are not sent to a client that is dropped: {out:?}"
        );
        assert!(is_close(&out[0], 4429, "too_slow"), "{out:?}");
    }

    #[tokio::test]
    async fn dropping_the_outbox_ends_the_writer() {
        let (outbox, writer) = bounded(2);
        let (tx, mut rx) = fmpsc::channel::<Message>(4);
        outbox.push("x".into()).unwrap();
        drop(outbox);
        writer.run(tx.sink_map_err(|_| ())).await;
        assert_eq!(rx.next().await, Some(Message::Text("x".into())));
        assert_eq!(rx.next().await, None);
    }
}
