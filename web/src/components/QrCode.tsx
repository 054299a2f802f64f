import { useMemo } from "react";
import { encode } from "uqr";

/** A QR code drawn as SVG in the page (no network, no canvas): one path of dark modules. */
export function QrCode({ value, label, size = 200 }: { value: string; label: string; size?: number }) {
  const { d, n } = useMemo(() => {
    const qr = encode(value, { ecc: "M", border: 2 });
    let path = "";
    qr.data.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) path += `M${x} ${y}h1v1h-1z`;
      }),
    );
    return { d: path, n: qr.size };
  }, [value]);
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${n} ${n}`} width={size} height={size} shapeRendering="crispEdges" className="rounded-lg bg-white">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#0f172a" />
    </svg>
  );
}
