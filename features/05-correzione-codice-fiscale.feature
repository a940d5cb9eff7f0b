# language: it
@correzione-cf @positivo @accreditamento-rt
Funzionalità: Correzione di un documento pubblicato con il codice fiscale sbagliato
  Regola RT: un documento attribuito al codice fiscale errato si corregge con eliminazione e nuova
  pubblicazione sul codice fiscale giusto, non con una sostituzione.

  @validate-and-create @delete
  Schema dello scenario: correzione del codice fiscale per un documento <tipo>
    Dato un documento <tipo> per il paziente <cf_errato>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze
    Quando invio la richiesta di eliminazione
    Allora la risposta ha stato HTTP 200
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze
    Dato un documento <tipo> per il paziente <cf>
    Quando invio la richiesta di validazione e creazione
    Allora la risposta ha stato HTTP 202
    E la risposta contiene traceID, spanID e workflowInstanceId
    E l'X-Cart-id è stato registrato nelle evidenze

    @LAB @RMSLSO31M04Z404R
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo | cf | cf_errato |
      | LAB | RMSLSO31M04Z404R | MNTMRA03M71C615V |

    @RAD @MNTMRA03M71C615V
    Esempi: RAD — MNTMRA03M71C615V
      | tipo | cf | cf_errato |
      | RAD | MNTMRA03M71C615V | MNZLSN99E05F205J |

    @LDO @MNZLSN99E05F205J
    Esempi: LDO — MNZLSN99E05F205J
      | tipo | cf | cf_errato |
      | LDO | MNZLSN99E05F205J | DRCGNN12A46A326K |

    @RSA @DRCGNN12A46A326K
    Esempi: RSA — DRCGNN12A46A326K
      | tipo | cf | cf_errato |
      | RSA | DRCGNN12A46A326K | BRGLRZ80D58H501Q |

    @RAP @BRGLRZ80D58H501Q
    Esempi: RAP — BRGLRZ80D58H501Q
      | tipo | cf | cf_errato |
      | RAP | BRGLRZ80D58H501Q | RMSLSO31M04Z404R |

    @VPS @RMSLSO31M04Z404R
    Esempi: VPS — RMSLSO31M04Z404R
      | tipo | cf | cf_errato |
      | VPS | RMSLSO31M04Z404R | MNTMRA03M71C615V |

    @PSS @MNTMRA03M71C615V
    Esempi: PSS — MNTMRA03M71C615V
      | tipo | cf | cf_errato |
      | PSS | MNTMRA03M71C615V | MNZLSN99E05F205J |

    @CERT_VACC @MNZLSN99E05F205J
    Esempi: CERT_VACC — MNZLSN99E05F205J
      | tipo | cf | cf_errato |
      | CERT_VACC | MNZLSN99E05F205J | DRCGNN12A46A326K |

    @SING_VACC @DRCGNN12A46A326K
    Esempi: SING_VACC — DRCGNN12A46A326K
      | tipo | cf | cf_errato |
      | SING_VACC | DRCGNN12A46A326K | BRGLRZ80D58H501Q |
