package org.fhirbus.fhirserver;

/**
 * What one server process is told: where to listen and what to call itself.
 * From arguments (--host, --port, --name) or system properties (fhirbus.host, fhirbus.port,
 * fhirbus.name); arguments win.
 */
public final class ServerOptions {
	public final String host;
	public final int port;
	public final String name;
	/** Start, exercise the server once (metadata, a write, a vread, a search), then exit 0:
	 *  the training run that records the class-data-sharing archive (see README.md). */
	public final boolean exitWhenReady;

	public ServerOptions(String host, int port, String name, boolean exitWhenReady) {
		this.host = host;
		this.port = port;
		this.name = name;
		this.exitWhenReady = exitWhenReady;
	}

	/** The FHIR base URL clients use: http://HOST:PORT/fhir */
	public String baseUrl() {
		return "http://" + host + ":" + port + "/fhir";
	}

	static ServerOptions parse(String[] args) {
		String host = System.getProperty("fhirbus.host", "127.0.0.1");
		String port = System.getProperty("fhirbus.port", "8081");
		String name = System.getProperty("fhirbus.name", "fhir");
		boolean exitWhenReady = Boolean.getBoolean("fhirbus.exitWhenReady");
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			if (a.equals("--exit-when-ready")) {
				exitWhenReady = true;
				continue;
			}
			String value = null;
			String key = a;
			int eq = a.indexOf('=');
			if (a.startsWith("--") && eq > 0) {
				key = a.substring(0, eq);
				value = a.substring(eq + 1);
			} else if (a.startsWith("--") && i + 1 < args.length) {
				value = args[++i];
			}
			switch (key) {
				case "--host" -> host = value;
				case "--port" -> port = value;
				case "--name" -> name = value;
				case "-h", "--help" -> {
					System.out.println("usage: java -jar fhirbus-fhir-server.jar [--host 127.0.0.1] [--port 8081]"
						+ " [--name hospital-a] [--exit-when-ready]");
					System.exit(0);
				}
				default -> throw new IllegalArgumentException("unknown argument: " + a);
			}
			if (value == null) {
				throw new IllegalArgumentException("missing value for " + key);
			}
		}
		int p;
		try {
			p = Integer.parseInt(port);
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("port is not a number: " + port);
		}
		// Port 0 (any free port) only for the training run, whose base URL nobody uses.
		if (p < (exitWhenReady ? 0 : 1) || p > 65535) {
			throw new IllegalArgumentException("port out of range: " + p);
		}
		if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
			throw new IllegalArgumentException("name must be 1-64 of [A-Za-z0-9_-]: " + name);
		}
		return new ServerOptions(host, p, name, exitWhenReady);
	}
}
