package org.fhirbus;

import static org.fhirbus.Fhirbus.check;
import static org.fhirbus.Fhirbus.len;

import com.sun.jna.ptr.PointerByReference;

/**
 * An embedded network: in-process validators that order submitted transactions into blocks,
 * sign and apply them. Calls on one network are serialized by the library.
 */
public final class EmbeddedNetwork extends Handle {
  /**
   * A network at the genesis {@code genesis} (JSON), run by the validator keys (the genesis
   * validators, or a quorum of them; the network keeps copies).
   */
  public EmbeddedNetwork(byte[] genesis, SigningKey... validators) {
    super(create(genesis, validators), Lib.C::fhirbus_embedded_network_free);
  }

  private static com.sun.jna.Pointer create(byte[] genesis, SigningKey[] validators) {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_embedded_network_new(genesis, len(genesis), Fhirbus.pointers(validators),
        Fhirbus.count(validators), ref));
    return ref.getValue();
  }

  /** Queue a signed transaction (its encoding) after checking it would apply; its id (32 bytes). */
  public byte[] submit(byte[] tx, long nowMs) {
    byte[] out = new byte[Fhirbus.DIGEST_LEN];
    check(Lib.C.fhirbus_embedded_network_submit(ptr(), tx, len(tx), nowMs, out, len(out)));
    return out;
  }

  /** Order the pending transactions into a block, sign and apply it; the block's encoding. */
  public byte[] produceBlock(long nowMs) {
    Lib.Buffer out = new Lib.Buffer();
    check(Lib.C.fhirbus_embedded_network_produce_block(ptr(), nowMs, out));
    return Fhirbus.take(out);
  }

  /** A snapshot of the current state (later blocks do not change it). */
  public LedgerState state() {
    PointerByReference ref = new PointerByReference();
    check(Lib.C.fhirbus_embedded_network_state(ptr(), ref));
    return new LedgerState(ref.getValue());
  }
}
