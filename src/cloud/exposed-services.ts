/** A service by the port it listens on. */
export interface NamedPort {
  port: number;
  name: string;
}

/**
 * Remote administration: each is a prize for password guessing and for the next bug in its server, and
 * each has a safer way in (SSM Session Manager, a VPN, a narrow source range). Refused open to the
 * internet unless the user allows it.
 */
export const adminPorts: readonly NamedPort[] = [
  { port: 22, name: 'SSH' },
  { port: 23, name: 'Telnet' },
  { port: 3389, name: 'RDP' },
  { port: 5900, name: 'VNC' },
  { port: 5985, name: 'WinRM' },
  { port: 5986, name: 'WinRM over HTTPS' },
];

/**
 * Databases and search engines: meant for their applications, and scanned for by bots within minutes of
 * being reachable. Open to the internet they are a warning, since a public database can be intended.
 */
export const databasePorts: readonly NamedPort[] = [
  { port: 1433, name: 'SQL Server' },
  { port: 1521, name: 'Oracle' },
  { port: 3306, name: 'MySQL' },
  { port: 5432, name: 'PostgreSQL' },
  { port: 6379, name: 'Redis' },
  { port: 9200, name: 'Elasticsearch' },
  { port: 27017, name: 'MongoDB' },
];
