interface ServiceInfo {
  serviceId: string;
  serviceName: string;
  generalInfo: string;
}

/** "Informations générales": how else to reach each service (its `general_info` setting). */
export function GeneralInfo({ services }: { services: ServiceInfo[] }) {
  const shown = services.filter((s) => s.generalInfo.trim() !== "");
  return (
    <section aria-labelledby="infos-generales" className="rounded bg-white p-4 shadow-sm">
      <h2 id="infos-generales" className="text-lg font-semibold">
        Informations générales
      </h2>
      {shown.length === 0 ? (
        <p className="mt-2 text-sm">Le service n&apos;a pas encore indiqué d&apos;autre moyen de le joindre.</p>
      ) : (
        shown.map((s) => (
          <div key={s.serviceId} className="mt-2 text-sm">
            {shown.length > 1 ? <h3 className="font-semibold">{s.serviceName}</h3> : null}
            <p className="whitespace-pre-line">{s.generalInfo}</p>
          </div>
        ))
      )}
    </section>
  );
}
