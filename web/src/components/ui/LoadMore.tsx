import { useTranslation } from "react-i18next";

import { Button } from "./Button";

export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  const { t } = useTranslation();
  if (!hasMore) return null;
  return (
    <div className="mt-4 flex justify-center">
      <Button variant="secondary" size="sm" loading={loading} onClick={onClick}>
        {t("common.loadMore")}
      </Button>
    </div>
  );
}
