// One request in flight at a time, the newest state winning: asking while a request is out only
// marks it stale, and its answer sends one more request with whatever is current then. The views
// that follow fast input (slider image, grid, drawing, interpolation) use it, so a drag never
// queues work up in a worker.
export class OneInFlight {
  /// `send()` posts a request built from the current state, or returns false when there is
  /// nothing to ask for (then no request is in flight).
  constructor(send) {
    this.send = send;
    this.busy = false;
    this.stale = false;
  }

  /// Sends now, or once the request in flight is answered.
  request() {
    if (this.busy) { this.stale = true; return; }
    this.stale = false;
    this.busy = this.send() !== false;
  }

  /// The answer came: ask again if the state changed meanwhile.
  answered() {
    this.busy = false;
    if (this.stale) this.request();
  }

  /// The request failed: free the slot; the next change asks again.
  failed() {
    this.busy = false;
  }
}
