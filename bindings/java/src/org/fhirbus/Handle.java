package org.fhirbus;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/**
 * An owned native handle: {@link #close} frees it exactly once (closing again does nothing),
 * and a handle that is never closed is freed when it becomes unreachable. Using a closed handle
 * throws {@link FhirbusException} with code 901 {@code INVALID_HANDLE}. Handles are thread-safe
 * (see include/fhirbus.h); closing one while another thread uses it is memory-safe.
 */
public abstract class Handle implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int INVALID_HANDLE = 901;

  /** The pointer and its free function, apart from the handle so the cleaner can run it. */
  private static final class State implements Runnable {
    private Pointer pointer;
    private final Consumer<Pointer> free;

    State(Pointer pointer, Consumer<Pointer> free) {
      this.pointer = pointer;
      this.free = free;
    }

    synchronized Pointer get() {
      return pointer;
    }

    @Override
    public void run() {
      Pointer p;
      synchronized (this) {
        p = pointer;
        pointer = null;
      }
      if (p != null) {
        free.accept(p);
      }
    }
  }

  private final State state;
  private final Cleaner.Cleanable cleanable;

  Handle(Pointer pointer, Consumer<Pointer> free) {
    this.state = new State(pointer, free);
    this.cleanable = CLEANER.register(this, state);
  }

  /** The live pointer, for a call. */
  Pointer ptr() {
    Pointer p = state.get();
    if (p == null) {
      throw new FhirbusException(INVALID_HANDLE, getClass().getSimpleName() + " is closed");
    }
    return p;
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return state.get() == null;
  }

  @Override
  public void close() {
    cleanable.clean();
  }
}
