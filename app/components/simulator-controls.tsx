/**
 * The test controls of the local DGFiP simulator's payment pages (embedded default only): what
 * happens after the resident's choice. Labels are listed in docs/e2e-payment.md.
 */
export function SimulatorControls() {
  return (
    <div className="flex flex-col gap-4 rounded border border-dashed border-stone-500 p-4">
      <p className="font-semibold">Réglages du simulateur (tests)</p>
      <fieldset className="flex flex-col gap-1">
        <legend className="font-medium">Notification au portail</legend>
        {[
          ["immediate", "Envoyer la notification"],
          ["twice", "Envoyer la notification deux fois"],
          ["late", "Envoyer la notification en retard"],
          ["none", "Ne pas envoyer de notification"],
        ].map(([value, label], index) => (
          <label key={value} className="inline-flex items-center gap-2">
            <input type="radio" name="notification" value={value} defaultChecked={index === 0} />
            {label}
          </label>
        ))}
      </fieldset>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Retard de la notification (secondes)</span>
        <input type="number" name="delai" min={0} max={3600} defaultValue={10} className="w-32 rounded border border-stone-500 px-2 py-1" />
      </label>
      <fieldset className="flex flex-col gap-1">
        <legend className="font-medium">Après le paiement</legend>
        <label className="inline-flex items-center gap-2">
          <input type="radio" name="navigateur" value="retour" defaultChecked />
          Revenir sur le portail
        </label>
        <label className="inline-flex items-center gap-2">
          <input type="radio" name="navigateur" value="ferme" />
          Fermer le navigateur (ne pas revenir sur le portail)
        </label>
      </fieldset>
    </div>
  );
}

export function SimulatorDecisionButtons() {
  const base = "rounded px-4 py-2 font-semibold";
  return (
    <div className="flex flex-wrap gap-3">
      <button type="submit" name="decision" value="P" className={`${base} bg-green-800 text-white`}>
        Payer
      </button>
      <button type="submit" name="decision" value="R" className={`${base} bg-brand-700 text-white`}>
        Refuser
      </button>
      <button type="submit" name="decision" value="A" className={`${base} border border-stone-700`}>
        Abandonner
      </button>
    </div>
  );
}

export function SimulatorClosed() {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-6">
      <h1 className="text-2xl font-bold">Fenêtre fermée (simulation)</h1>
      <p>Le simulateur fait comme si le navigateur avait été fermé : il ne revient pas sur le portail.</p>
    </main>
  );
}
