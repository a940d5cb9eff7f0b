/**
 * What each probe failure means and what to do, in Italian and English. One entry per
 * diagnosis code; `explain` fills in the names (host, proxy, certificate CN) of the case at hand.
 *
 * Sources: RT's specification (toscana.md §3 X-Cart-id, §4 certificates, §8 onboarding: the "Adesione API FSE-2.0"
 * form to CART's service desk, then CART enables the certificate), the GovWay border errors observed by vendors
 * (gateway-impl.md §7: TokenAuthenticationRequired, TokenAuthenticationFailed, AuthorizationContentDeny,
 * InvalidRequestContent) and the TLS alerts of RFC 8446 §6.2.
 */
export type DiagnosisCode =
  | 'DNS_NOT_RESOLVED' | 'DNS_FAILED' | 'PROXY_NOT_RESOLVED'
  | 'TCP_REFUSED' | 'TCP_TIMEOUT' | 'TCP_UNREACHABLE'
  | 'PROXY_UNREACHABLE' | 'PROXY_AUTH' | 'PROXY_FORBIDDEN' | 'PROXY_UPSTREAM' | 'PROXY_OTHER'
  | 'TLS_SERVER_UNTRUSTED' | 'TLS_SERVER_NAME' | 'TLS_SERVER_DATES' | 'TLS_CLIENT_REFUSED' | 'TLS_TIMEOUT' | 'TLS_NOT_TLS' | 'TLS_OTHER'
  | 'HTTP_TIMEOUT' | 'HTTP_RESET' | 'HTTP_NO_RESPONSE'
  | 'BORDER_TOKEN_REQUIRED' | 'BORDER_TOKEN_FAILED' | 'BORDER_CONTENT_DENY' | 'BORDER_OTHER'
  | 'NOT_CART' | 'CART_UPSTREAM' | 'GATEWAY_UNEXPECTED';

export interface Diagnosis {
  code: DiagnosisCode;
  /** What happened (one sentence), Italian. */
  it: string;
  /** What happened (one sentence), English. */
  en: string;
  /** What to do, Italian (one line each). */
  todoIt: string[];
  /** What to do, English. */
  todoEn: string[];
}

export interface AdviceContext {
  host: string;
  port: number;
  /** scheme://host:port of the proxy, never its credentials. */
  proxy?: string;
  authCn?: string;
  signCn?: string;
  /** Intermediates sent with the client certificate. */
  intermediates?: number;
  /** Error code / HTTP status / GovWay detail, shown as is. */
  detail?: string;
  xCartId?: string;
  aud?: string;
  /** Clock difference local − server (seconds), when the answer carried a Date header. */
  clockSkewSeconds?: number;
}

const CART_ENABLE_IT = [
  'Il certificato di autenticazione deve essere abilitato da CART per lo stage: inviare al service desk di CART (cartdesk@regione.toscana.it), in copia alla casella FSE privati di Regione Toscana (fseprivati@, specifica RT), il modulo "Adesione API FSE-2.0" scaricato dal portale CART (spuntando stage e gateway versione 2) insieme al certificato di autenticazione di stage rilasciato da Sogei, poi attendere la conferma di abilitazione.',
  'Se l\'abilitazione è già stata confermata: verificare di usare proprio quel certificato (certificates.authentication) e che la catena (certificati intermedi) sia inclusa nel .p12 o nel PEM.',
];
const CART_ENABLE_EN = [
  'The authentication certificate must be enabled by CART for stage: send CART\'s service desk (cartdesk@regione.toscana.it), copying Regione Toscana\'s FSE private-providers mailbox (fseprivati@, RT specification), the "Adesione API FSE-2.0" form from the CART portal (ticking stage and gateway version 2) together with the stage authentication certificate issued by Sogei, then wait for CART to confirm it is enabled.',
  'If CART already confirmed: check that this very certificate is the one in certificates.authentication and that its chain (intermediate certificates) is inside the .p12 or PEM bundle.',
];

function text(code: DiagnosisCode, c: AdviceContext): Omit<Diagnosis, 'code'> {
  const target = `${c.host}:${c.port}`;
  const d = c.detail ? ` (${c.detail})` : '';
  const via = c.proxy ? ` attraverso il proxy ${c.proxy}` : '';
  const viaEn = c.proxy ? ` through the proxy ${c.proxy}` : '';
  const chain = c.intermediates !== undefined ? ` ${c.intermediates} certificati intermedi inviati.` : '';
  const chainEn = c.intermediates !== undefined ? ` ${c.intermediates} intermediate certificate(s) sent.` : '';
  const cart = c.xCartId ? ` X-Cart-id ${c.xCartId}.` : '';
  switch (code) {
    case 'DNS_NOT_RESOLVED':
      return {
        it: `Il nome ${c.host} non si risolve (DNS)${d}.`,
        en: `The name ${c.host} does not resolve (DNS)${d}.`,
        todoIt: [`Controllare il nome nel baseUrl del profilo (stage RT: fse20gwstage.regione.toscana.it).`, 'Se la rete aziendale risolve i nomi esterni solo tramite proxy, impostare HTTPS_PROXY (o "proxy" nel profilo): con un proxy il nome lo risolve il proxy.', 'Altrimenti verificare le impostazioni DNS della macchina con l\'amministratore di rete.'],
        todoEn: [`Check the host in the profile's baseUrl (RT stage: fse20gwstage.regione.toscana.it).`, 'If the company network resolves external names only through a proxy, set HTTPS_PROXY (or "proxy" in the profile): with a proxy, the proxy resolves the name.', 'Otherwise check this machine\'s DNS settings with your network administrators.'],
      };
    case 'DNS_FAILED':
      return {
        it: `Il server DNS non ha risposto per ${c.host}${d}: risoluzione dei nomi non disponibile.`,
        en: `The DNS server did not answer for ${c.host}${d}: name resolution is not available.`,
        todoIt: ['Verificare la connessione di rete e i server DNS configurati.', 'Se si esce su Internet tramite un proxy, impostare HTTPS_PROXY (o "proxy" nel profilo).'],
        todoEn: ['Check the network connection and the configured DNS servers.', 'If you reach the internet through a proxy, set HTTPS_PROXY (or "proxy" in the profile).'],
      };
    case 'PROXY_NOT_RESOLVED':
      return {
        it: `Il nome del proxy ${c.proxy ?? ''} non si risolve${d}.`,
        en: `The proxy's name ${c.proxy ?? ''} does not resolve${d}.`,
        todoIt: ['Correggere HTTPS_PROXY / https_proxy o il campo "proxy" del profilo (formato http://host:porta).'],
        todoEn: ['Fix HTTPS_PROXY / https_proxy or the profile\'s "proxy" (form http://host:port).'],
      };
    case 'TCP_REFUSED':
      return {
        it: `Connessione rifiutata da ${target}${d}: nessun servizio in ascolto su quella porta, o un firewall la rifiuta.`,
        en: `Connection refused by ${target}${d}: nothing listens on that port, or a firewall rejects it.`,
        todoIt: ['Controllare host e porta nel baseUrl (lo stage RT usa la 443).', 'Chiedere all\'amministratore di rete se le connessioni in uscita verso quella porta sono permesse.'],
        todoEn: ['Check host and port in the baseUrl (RT stage uses 443).', 'Ask your network administrators whether outgoing connections to that port are allowed.'],
      };
    case 'TCP_TIMEOUT':
      return {
        it: `Nessuna risposta da ${target} entro il tempo limite${d}: i pacchetti vengono scartati (firewall) o l'indirizzo non è raggiungibile.`,
        en: `No answer from ${target} within the time limit${d}: packets are dropped (firewall) or the address is not reachable.`,
        todoIt: ['Se la rete aziendale esce su Internet solo tramite proxy, impostare HTTPS_PROXY (o "proxy" nel profilo).', 'Altrimenti chiedere l\'apertura delle connessioni in uscita verso l\'host di stage sulla porta 443.', 'FSE_TIMEOUT_MS regola il tempo limite di ogni chiamata (predefinito 30000).'],
        todoEn: ['If the company network reaches the internet only through a proxy, set HTTPS_PROXY (or "proxy" in the profile).', 'Otherwise ask for outgoing connections to the stage host on port 443 to be opened.', 'FSE_TIMEOUT_MS sets the limit of each call (default 30000).'],
      };
    case 'TCP_UNREACHABLE':
      return {
        it: `L'indirizzo di ${target} non è raggiungibile da questa rete${d}.`,
        en: `${target} is not reachable from this network${d}.`,
        todoIt: ['Verificare instradamento e connessione di rete; se serve un proxy per uscire, impostare HTTPS_PROXY.'],
        todoEn: ['Check routing and the network connection; if a proxy is needed to get out, set HTTPS_PROXY.'],
      };
    case 'PROXY_UNREACHABLE':
      return {
        it: `Il proxy ${c.proxy ?? ''} non è raggiungibile${d}.`,
        en: `The proxy ${c.proxy ?? ''} cannot be reached${d}.`,
        todoIt: ['Controllare host e porta del proxy (HTTPS_PROXY / https_proxy o "proxy" nel profilo); "proxy": "none" per connettersi senza proxy.'],
        todoEn: ['Check the proxy\'s host and port (HTTPS_PROXY / https_proxy or the profile\'s "proxy"); "proxy": "none" connects without a proxy.'],
      };
    case 'PROXY_AUTH':
      return {
        it: `Il proxy ${c.proxy ?? ''} chiede l'autenticazione o rifiuta le credenziali (407)${d}.`,
        en: `The proxy ${c.proxy ?? ''} asks for authentication or refuses the credentials (407)${d}.`,
        todoIt: ['Mettere utente e password nell\'URL del proxy: http://utente:password@host:porta (caratteri speciali codificati, es. @ → %40). Le credenziali non compaiono mai in log o evidenze.', 'Proxy con autenticazione NTLM/Kerberos: non supportati direttamente; usare un proxy locale che si autentica per voi (es. cntlm).'],
        todoEn: ['Put user and password in the proxy URL: http://user:password@host:port (special characters percent-encoded, e.g. @ → %40). Credentials never appear in logs or evidence.', 'NTLM/Kerberos proxies are not supported directly; use a local proxy that authenticates for you (e.g. cntlm).'],
      };
    case 'PROXY_FORBIDDEN':
      return {
        it: `Il proxy ${c.proxy ?? ''} rifiuta il tunnel verso ${target} (403)${d}.`,
        en: `The proxy ${c.proxy ?? ''} refuses the tunnel to ${target} (403)${d}.`,
        todoIt: [`Chiedere all'amministratore di rete di permettere CONNECT verso ${target}, senza ispezione TLS (la mutua autenticazione TLS deve arrivare intatta a CART).`],
        todoEn: [`Ask your network administrators to allow CONNECT to ${target}, without TLS inspection (mutual TLS must reach CART untouched).`],
      };
    case 'PROXY_UPSTREAM':
      return {
        it: `Il proxy ${c.proxy ?? ''} non riesce a raggiungere ${target}${d}: il nome non si risolve dal proxy, o il proxy non può collegarsi.`,
        en: `The proxy ${c.proxy ?? ''} cannot reach ${target}${d}: the name does not resolve from the proxy, or the proxy cannot connect.`,
        todoIt: ['Controllare il nome nel baseUrl; chiedere all\'amministratore di rete se il proxy raggiunge l\'host di stage.'],
        todoEn: ['Check the host in the baseUrl; ask your network administrators whether the proxy reaches the stage host.'],
      };
    case 'PROXY_OTHER':
      return {
        it: `Il proxy ${c.proxy ?? ''} non ha aperto il tunnel verso ${target}${d}.`,
        en: `The proxy ${c.proxy ?? ''} did not open the tunnel to ${target}${d}.`,
        todoIt: ['Verificare con l\'amministratore di rete che il proxy accetti CONNECT verso la porta 443 dell\'host di stage.'],
        todoEn: ['Check with your network administrators that the proxy accepts CONNECT to port 443 of the stage host.'],
      };
    case 'TLS_SERVER_UNTRUSTED':
      return {
        it: `Il certificato del server ${c.host} non è considerato affidabile${d}.`,
        en: `The server certificate of ${c.host} is not trusted${d}.`,
        todoIt: ['Indicare in certificates.serverCa il file PEM con la CA (e le intermedie) che ha emesso il certificato del gateway di stage; senza serverCa si usano le CA di sistema.', 'Se il proxy aziendale ispeziona il TLS, il certificato ricevuto è quello del proxy: chiedere di escludere l\'host di stage dall\'ispezione (la mutua autenticazione non può funzionare attraverso l\'ispezione).'],
        todoEn: ['Set certificates.serverCa to a PEM file with the CA (and intermediates) that issued the stage gateway\'s certificate; without serverCa the system CAs are used.', 'If the company proxy inspects TLS, the certificate received is the proxy\'s: ask for the stage host to be excluded from inspection (mutual TLS cannot work through inspection).'],
      };
    case 'TLS_SERVER_NAME':
      return {
        it: `Il certificato del server non è intestato a ${c.host}${d}.`,
        en: `The server certificate is not issued for ${c.host}${d}.`,
        todoIt: ['Controllare il nome nel baseUrl (usare il nome, non l\'indirizzo IP); se il proxy ispeziona il TLS, chiedere di escludere l\'host di stage.'],
        todoEn: ['Check the host in the baseUrl (use the name, not the IP address); if the proxy inspects TLS, ask for the stage host to be excluded.'],
      };
    case 'TLS_SERVER_DATES':
      return {
        it: `Il certificato del server risulta scaduto o non ancora valido${d}.`,
        en: `The server certificate appears expired or not yet valid${d}.`,
        todoIt: ['Controllare data e ora di questa macchina; se sono giuste, segnalarlo al supporto stage di RT.'],
        todoEn: ['Check this machine\'s date and time; if they are right, report it to RT\'s stage support.'],
      };
    case 'TLS_CLIENT_REFUSED':
      return {
        it: `Il server ha chiuso la connessione subito dopo aver ricevuto il certificato client "${c.authCn ?? ''}"${d}: il certificato non è (o non è ancora) abilitato da CART, oppure non è riconosciuto.${chain}`,
        en: `The server closed the connection right after receiving the client certificate "${c.authCn ?? ''}"${d}: the certificate is not (or not yet) enabled by CART, or not recognised.${chainEn}`,
        todoIt: CART_ENABLE_IT,
        todoEn: CART_ENABLE_EN,
      };
    case 'TLS_TIMEOUT':
      return {
        it: `La connessione TCP verso ${target}${via} è aperta ma l'handshake TLS non si completa entro il tempo limite${d}.`,
        en: `The TCP connection to ${target}${viaEn} opens but the TLS handshake does not complete within the time limit${d}.`,
        todoIt: ['Controllare che la porta sia quella HTTPS del gateway; un firewall o un proxy potrebbe trattenere il traffico.'],
        todoEn: ['Check that the port is the gateway\'s HTTPS port; a firewall or proxy may be holding the traffic.'],
      };
    case 'TLS_NOT_TLS':
      return {
        it: `${target} non risponde in TLS${d}: la porta non è HTTPS.`,
        en: `${target} does not speak TLS${d}: the port is not HTTPS.`,
        todoIt: ['Correggere host/porta del baseUrl (https://…/gateway/v2/).'],
        todoEn: ['Fix host/port of the baseUrl (https://…/gateway/v2/).'],
      };
    case 'TLS_OTHER':
      return {
        it: `Handshake TLS con ${c.host} fallito${d}.`,
        en: `TLS handshake with ${c.host} failed${d}.`,
        todoIt: ['Se l\'errore è un alert del server dopo l\'invio del certificato client, vale quanto segue:', ...CART_ENABLE_IT],
        todoEn: ['If the error is a server alert after the client certificate was sent, the following applies:', ...CART_ENABLE_EN],
      };
    case 'HTTP_TIMEOUT':
      return {
        it: `La connessione TLS è stabilita ma il gateway non ha risposto alla chiamata entro il tempo limite${d}.`,
        en: `The TLS connection is up but the gateway did not answer the call within the time limit${d}.`,
        todoIt: ['Riprovare più tardi; se persiste, segnalarlo al supporto stage di RT con data e ora della chiamata (evidence/ contiene la richiesta esatta).'],
        todoEn: ['Try again later; if it persists, report it to RT\'s stage support with the date and time of the call (evidence/ holds the exact request).'],
      };
    case 'HTTP_RESET':
      return {
        it: `La connessione è stata chiusa senza risposta HTTP${d}.`,
        en: `The connection was closed without an HTTP response${d}.`,
        todoIt: ['Succede spesso quando il certificato client non è abilitato e il server chiude dopo l\'handshake:', ...CART_ENABLE_IT],
        todoEn: ['This often happens when the client certificate is not enabled and the server closes after the handshake:', ...CART_ENABLE_EN],
      };
    case 'HTTP_NO_RESPONSE':
      return {
        it: `Nessuna risposta HTTP${d}.`,
        en: `No HTTP response${d}.`,
        todoIt: ['Vedere il dettaglio dell\'errore; evidence/ contiene la richiesta esatta.'],
        todoEn: ['See the error detail; evidence/ holds the exact request.'],
      };
    case 'BORDER_TOKEN_REQUIRED':
      return {
        it: `Il bordo del gateway (GovWay) non ha trovato un token (401 TokenAuthenticationRequired)${d}.${cart}`,
        en: `The gateway's border (GovWay) found no token (401 TokenAuthenticationRequired)${d}.${cart}`,
        todoIt: ['L\'harness invia sempre "Authorization: Bearer <JWT>" e "FSE-JWT-Signature: <JWT>": se manca uno dei due, un apparato intermedio (proxy con ispezione) rimuove le intestazioni.', 'Segnalarlo al supporto stage di RT citando l\'X-Cart-id.'],
        todoEn: ['The harness always sends "Authorization: Bearer <JWT>" and "FSE-JWT-Signature: <JWT>": if one is missing, a device in between (an inspecting proxy) strips headers.', 'Report it to RT\'s stage support quoting the X-Cart-id.'],
      };
    case 'BORDER_TOKEN_FAILED':
      return {
        it: `Il bordo del gateway (GovWay) ha rifiutato un token (401 TokenAuthenticationFailed)${d}.${cart}`,
        en: `The gateway's border (GovWay) refused a token (401 TokenAuthenticationFailed)${d}.${cart}`,
        todoIt: [
          `Certificato di firma ("${c.signCn ?? ''}", header x5c): deve essere il certificato di firma Sn# rilasciato da Sogei, valido oggi; i JWT sono firmati RS256 con la sua chiave.`,
          `aud: il profilo usa "${c.aud ?? ''}"; se RT indica un'audience diversa per CART, impostare "aud" nel profilo.`,
          c.clockSkewSeconds !== undefined && Math.abs(c.clockSkewSeconds) > 30 ? `iat/exp: l'orologio di questa macchina differisce da quello del server di ${Math.round(c.clockSkewSeconds)} s: sincronizzarlo (NTP).` : 'iat/exp: verificare che l\'orologio di questa macchina sia sincronizzato (NTP).',
        ],
        todoEn: [
          `Signature certificate ("${c.signCn ?? ''}", x5c header): it must be the Sn# signature certificate issued by Sogei, valid today; the JWTs are RS256-signed with its key.`,
          `aud: the profile uses "${c.aud ?? ''}"; if RT names another audience for CART, set "aud" in the profile.`,
          c.clockSkewSeconds !== undefined && Math.abs(c.clockSkewSeconds) > 30 ? `iat/exp: this machine's clock differs from the server's by ${Math.round(c.clockSkewSeconds)} s: synchronise it (NTP).` : 'iat/exp: check that this machine\'s clock is synchronised (NTP).',
        ],
      };
    case 'BORDER_CONTENT_DENY':
      return {
        it: `Il bordo del gateway (GovWay) ha negato la richiesta (403 AuthorizationContentDeny)${d}.${cart}`,
        en: `The gateway's border (GovWay) denied the request (403 AuthorizationContentDeny)${d}.${cart}`,
        todoIt: [
          `iss: i token portano "auth:${c.signCn ?? '<CN>'}" e "integrity:${c.signCn ?? '<CN>'}", il CN del certificato di firma; il bordo li confronta con i certificati registrati.`,
          `Coppia di certificati: il certificato TLS "${c.authCn ?? ''}" e quello di firma "${c.signCn ?? ''}" devono essere quelli comunicati a CART/RT per questo impianto (le regole di abbinamento dietro CART sono state segnalate come diverse da quelle nazionali).`,
          'Segnalarlo al supporto stage di RT citando l\'X-Cart-id.',
        ],
        todoEn: [
          `iss: the tokens carry "auth:${c.signCn ?? '<CN>'}" and "integrity:${c.signCn ?? '<CN>'}", the signature certificate's CN; the border compares them with the registered certificates.`,
          `Certificate pair: the TLS certificate "${c.authCn ?? ''}" and the signature certificate "${c.signCn ?? ''}" must be the ones given to CART/RT for this installation (pairing rules behind CART were reported to differ from the national ones).`,
          'Report it to RT\'s stage support quoting the X-Cart-id.',
        ],
      };
    case 'BORDER_OTHER':
      return {
        it: `Il gateway ha rifiutato la chiamata al bordo${d}.${cart}`,
        en: `The gateway refused the call at its border${d}.${cart}`,
        todoIt: ['Leggere il tipo e il dettaglio dell\'errore nella risposta salvata in evidence/; segnalarlo al supporto stage di RT citando l\'X-Cart-id.'],
        todoEn: ['Read the error type and detail in the response saved under evidence/; report it to RT\'s stage support quoting the X-Cart-id.'],
      };
    case 'NOT_CART':
      return {
        it: `La risposta non viene da CART: manca l'intestazione X-Cart-id${d}.`,
        en: `The answer does not come from CART: there is no X-Cart-id header${d}.`,
        todoIt: ['Un proxy, un filtro web o un altro server ha risposto al posto del gateway: controllare baseUrl e proxy; la pagina ricevuta è in evidence/.'],
        todoEn: ['A proxy, a web filter or another server answered instead of the gateway: check baseUrl and proxy; the page received is under evidence/.'],
      };
    case 'CART_UPSTREAM':
      return {
        it: `CART ha risposto ma il servizio dietro CART non è disponibile${d}.${cart}`,
        en: `CART answered but the service behind it is not available${d}.${cart}`,
        todoIt: ['Connessione e certificato TLS funzionano. Riprovare più tardi; se persiste, segnalarlo al supporto stage di RT citando l\'X-Cart-id.'],
        todoEn: ['Connection and TLS certificate work. Try again later; if it persists, report it to RT\'s stage support quoting the X-Cart-id.'],
      };
    case 'GATEWAY_UNEXPECTED':
      return {
        it: `Il gateway ha risposto in modo inatteso alla cancellazione di un documento inesistente${d}.${cart}`,
        en: `The gateway answered the deletion of a non-existent document unexpectedly${d}.${cart}`,
        todoIt: ['Connessione, certificati e token arrivano al gateway; la risposta completa è in evidence/. Segnalarla al supporto stage di RT citando l\'X-Cart-id se non è chiara.'],
        todoEn: ['Connection, certificates and tokens reach the gateway; the full answer is under evidence/. Report it to RT\'s stage support quoting the X-Cart-id if it is unclear.'],
      };
  }
}

export function explain(code: DiagnosisCode, ctx: AdviceContext): Diagnosis {
  return { code, ...text(code, ctx) };
}

/** Lines for the console / probe.md: Italian first, then English. */
export function formatDiagnosis(d: Diagnosis, indent = '  '): string[] {
  return [
    `${indent}IT: ${d.it}`,
    ...d.todoIt.map((t) => `${indent}    → ${t}`),
    `${indent}EN: ${d.en}`,
    ...d.todoEn.map((t) => `${indent}    → ${t}`),
  ];
}
